package plan

import (
	"github.com/hasync/hasync/backend/config"
	"github.com/hasync/hasync/backend/config/schema"
)

// schemaMulti reports whether the schema says the leaf at path takes
// several values (VyOS `<multi/>`, or the Vyatta 5600 / VRA table). For a
// path neither table knows it is false, and the values of both sides
// decide (isMulti).
func schemaMulti(path config.Path) bool {
	info := schema.Lookup(path)
	return info.Kind == schema.Leaf && info.Multi
}

// schemaKnows reports whether a schema table knows the node at path.
func schemaKnows(path config.Path) bool { return schema.Lookup(path).Kind != schema.Unknown }
