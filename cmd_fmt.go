package main

import (
	"bufio"
	"fmt"

	"github.com/hasync/hasync/backend/compare"
	"github.com/hasync/hasync/backend/config"
	"github.com/spf13/cobra"
)

func newFmtCmd() *cobra.Command {
	var (
		to     string
		family string
		mask   bool
	)
	cmd := &cobra.Command{
		Use:   "fmt [--to curly|set|vrp] [--mask-secrets] FILE",
		Short: "Print a configuration file in its canonical form",
		Long: `Print a configuration file in its canonical form: curly-brace or set
commands for the Vyatta family, display current-configuration form for
Huawei. Lines a collector or a script adds (prompts, pager lines, configure
and commit) are left out and named on stderr. FILE '-' is standard input.

Exit status: 0 on success, 2 on an error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &exitError{code: 2, err: fmt.Errorf("fmt: expected one FILE, got %d", len(args)),
					usage: "usage: " + cmd.UseLine() + " (hasync fmt --help lists the flags)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			fam, err := config.ParseFamily(family)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("--family %s: expected vyatta, huawei or auto", family)}
			}
			format := config.Curly
			if to != "" {
				if format, err = config.ParseFormat(to); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("--to %s: expected curly, set or vrp", to)}
				}
			}
			t, err := compare.Load(args[0], fam)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			// What the parser left out (capture lines, session commands
			// of a script, deletes of absent nodes) goes to stderr.
			for _, note := range t.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "hasync: %s: %s\n", args[0], note)
			}
			if to == "" && t.Family == config.Huawei {
				format = config.VRP
			}
			if (format == config.VRP) != (t.Family == config.Huawei) {
				return &exitError{code: 2, err: fmt.Errorf("--to %s: %s is %s text, which prints as %s", format, args[0], compare.FamilyTitle(t.Family), nativeForms(t.Family))}
			}
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			if err := config.Write(w, t, format, config.PrintOptions{MaskSecrets: mask}); err != nil {
				return &exitError{code: 2, err: err}
			}
			return w.Flush()
		},
	}
	// A backquoted word in a usage text is the flag's placeholder in --help.
	cmd.Flags().StringVar(&to, "to", "", "output `FORM`: curly or set (Vyatta family), vrp (Huawei); default the family's native form")
	cmd.Flags().StringVar(&family, "family", "auto", "device `FAMILY`: vyatta, huawei or auto (detect from the text)")
	cmd.Flags().BoolVar(&mask, "mask-secrets", false, "print secrets (passwords, keys, ciphertext) as "+config.Mask)
	cmd.SetFlagErrorFunc(diffFlagError)
	return cmd
}

// nativeForms names the forms a family prints in.
func nativeForms(f config.Family) string {
	if f == config.Huawei {
		return "vrp"
	}
	return "curly or set"
}
