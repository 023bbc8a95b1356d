package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version describes this build for --version: the module's version (as
// "go install module@version" stamps it; "(devel)" for a build from a
// checkout), the commit it was built from, when that commit was made and
// whether the tree had changes, all from the build information the Go
// toolchain embeds; and the Go version.
func version(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "catalog (version unknown: built without module information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "catalog %s", v)
	if rev != "" {
		fmt.Fprintf(&b, ", commit %s", rev)
		if at != "" {
			fmt.Fprintf(&b, " (%s)", at)
		}
		if modified {
			b.WriteString(" with local changes")
		}
	} else {
		b.WriteString(", commit unknown")
	}
	fmt.Fprintf(&b, ", %s", bi.GoVersion)
	return b.String()
}
