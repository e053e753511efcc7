package sweep_test

import (
	"fmt"

	"github.com/ofdi/ofdi/bench/sweep"
)

// A setting is a JSON path and its values: a list or a range.
func ExampleParseSetting() {
	for _, arg := range []string{"policy.subsidy.joint_rnd=0:0.3:0.1", "markets[de].info_cost=4,8,16"} {
		s, err := sweep.ParseSetting(arg)
		if err != nil {
			panic(err)
		}
		fmt.Print(s.Path, ":")
		for _, v := range s.Values {
			fmt.Print(" ", sweep.ValueText(v))
		}
		fmt.Println()
	}
	// Output:
	// policy.subsidy.joint_rnd: 0 0.1 0.2 0.3
	// markets[de].info_cost: 4 8 16
}

// Cell k of a sweep belongs to shard k mod N.
func ExampleShard() {
	sh, _ := sweep.ParseShard("1/3")
	for k := range 7 {
		if sh.Owns(k) {
			fmt.Print(k, " ")
		}
	}
	fmt.Println()
	// Output: 1 4
}
