package schema

import "fmt"

func errorf(format string, a ...any) error { return fmt.Errorf("schema: "+format, a...) }
