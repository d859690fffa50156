package config

import (
	"errors"
	"io"
)

// ParseVRP reads Huawei VRP `display current-configuration` text.
func ParseVRP(file string, src []byte) (*Tree, error) {
	return nil, errors.New("VRP parser: not written yet")
}

// WriteVRP prints t as VRP text.
func WriteVRP(w io.Writer, t *Tree, o PrintOptions) error {
	return errors.New("VRP printer: not written yet")
}
