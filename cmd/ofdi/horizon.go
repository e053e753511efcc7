package main

import (
	"fmt"

	"github.com/ofdi/ofdi/model"
	"github.com/urfave/cli/v2"
)

// onePeriodOnly refuses a multi-period instance for a command that plans
// one period only, rather than give a one-period answer to it.
func onePeriodOnly(command string, inst *model.Instance) error {
	if !inst.MultiPeriod() {
		return nil
	}
	return cli.Exit(fmt.Sprintf("%s: %s has a \"horizon\" block: multi-period instances are not supported by %s yet (use ofdi solve, check, export or bench)",
		command, inst.Name, command), exitBadInput)
}
