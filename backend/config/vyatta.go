package config

import (
	"errors"
	"io"
)

// ParseVyatta reads Vyatta-family text in curly-brace or set form.
func ParseVyatta(file string, src []byte) (*Tree, error) {
	return nil, errors.New("Vyatta parser: not written yet")
}

// WriteCurly prints t in the curly-brace form.
func WriteCurly(w io.Writer, t *Tree, o PrintOptions) error {
	return errors.New("curly printer: not written yet")
}

// WriteSet prints t as set commands.
func WriteSet(w io.Writer, t *Tree, o PrintOptions) error {
	return errors.New("set printer: not written yet")
}
