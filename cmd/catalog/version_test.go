package main

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}, true,
			"catalog v1.2.0, commit unknown, go1.26.0"},
		{"a checkout", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20260101120000-0123456789ab"},
			Settings: vcs("vcs", "git", "vcs.revision", "0123456789abcdef", "vcs.time", "2026-01-01T12:00:00Z", "vcs.modified", "false")}, true,
			"catalog v0.0.0-20260101120000-0123456789ab, commit 0123456789abcdef (2026-01-01T12:00:00Z), go1.26.0"},
		{"a checkout with changes", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs.revision", "0123456789abcdef", "vcs.modified", "true")}, true,
			"catalog (devel), commit 0123456789abcdef with local changes, go1.26.0"},
		{"no version", &debug.BuildInfo{GoVersion: "go1.26.0"}, true, "catalog (devel), commit unknown, go1.26.0"},
		{"no build info", nil, false, "catalog (version unknown: built without module information)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := version(tt.bi, tt.ok); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
