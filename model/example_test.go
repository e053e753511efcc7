package model_test

import (
	"errors"
	"fmt"

	"github.com/ofdi/ofdi/model"
)

// Loading reports every structural problem with its JSON path, at once.
func ExampleParse() {
	_, err := model.Parse([]byte(`{"scenarios": [], "markets": [], "firms": [{"id": "f1", "captial": 5}], "opportunities": []}`))
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		for _, is := range ve.Issues {
			fmt.Println(is)
		}
	}
	// Output:
	// firms[0].captial: unknown field (did you mean "capital"?)
	// firms[0].role: missing required field
	// firms[0].capital: missing required field
	// firms[0].risk_limit: missing required field
	// firms[0].segments: missing required field
}

// Validate checks ranges and references, and warns about opportunities no
// coalition can fund.
func ExampleValidate() {
	inst, err := model.LoadFile("../instances/tiny.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	inst.Firms[3].Capital = -5
	inst.Opportunities[1].Market = "atlantis"
	for _, is := range model.Errors(model.Validate(inst)) {
		fmt.Println(is)
	}
	// Output:
	// firms[3].capital: must be > 0, got -5
	// opportunities[1].market: unknown market "atlantis"
}
