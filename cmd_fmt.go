package main

import (
	"bufio"
	"fmt"

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
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fam, err := config.ParseFamily(family)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			t, err := config.ParseFile(args[0], fam)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			// What the parser left out (capture lines, session commands
			// of a script, deletes of absent nodes) goes to stderr.
			for _, note := range t.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "hasync: %s: %s\n", args[0], note)
			}
			format := config.VRP
			if t.Family == config.Vyatta {
				format = config.Curly
			}
			if to != "" {
				if format, err = config.ParseFormat(to); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if (format == config.VRP) != (t.Family == config.Huawei) {
				return &exitError{code: 2, err: fmt.Errorf("%s: a %s configuration cannot be printed as %s", args[0], t.Family, format)}
			}
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			if err := config.Write(w, t, format, config.PrintOptions{MaskSecrets: mask}); err != nil {
				return &exitError{code: 2, err: err}
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output form: curly or set (Vyatta family), vrp (Huawei); default the family's native form")
	cmd.Flags().StringVar(&family, "family", "auto", "device family: vyatta, huawei or auto (detect from the text)")
	cmd.Flags().BoolVar(&mask, "mask-secrets", false, "print secrets (passwords, keys, ciphertext) as "+config.Mask)
	return cmd
}
