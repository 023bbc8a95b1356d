package main

import (
	"strings"
	"testing"
)

func TestParseYears(t *testing.T) {
	tests := []struct {
		in       string
		from, to int
		wantErr  string
	}{
		{in: "2019", from: 2019, to: 2019},
		{in: " 2019 ", from: 2019, to: 2019},
		{in: "2019-2021", from: 2019, to: 2021},
		{in: "2019–2021", from: 2019, to: 2021},
		{in: "2019 - 2021", from: 2019, to: 2021},
		{in: "2019-", from: 2019},
		{in: "-2021", to: 2021},
		{in: "2021-2021", from: 2021, to: 2021},
		{in: "2021-2019", wantErr: "ends before it starts"},
		{in: "", wantErr: "want a year"},
		{in: "-", wantErr: "want a year"},
		{in: "soon", wantErr: "want a year"},
		{in: "2019-2020-2021", wantErr: "want a year"},
		{in: "0", wantErr: "want a year"},
		{in: "10000", wantErr: "want a year"},
		{in: "+2019", wantErr: "want a year"},
		{in: "20.5", wantErr: "want a year"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			from, to, err := parseYears(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %d, %d, %v; want an error containing %q", from, to, err, tt.wantErr)
				}
				return
			}
			if err != nil || from != tt.from || to != tt.to {
				t.Errorf("got %d, %d, %v; want %d, %d", from, to, err, tt.from, tt.to)
			}
		})
	}
}

func TestYears(t *testing.T) {
	tests := []struct {
		first, last int
		want        string
	}{{0, 0, ""}, {2020, 2020, "2020"}, {2019, 2023, "2019-2023"}}
	for _, tt := range tests {
		if got := years(tt.first, tt.last); got != tt.want {
			t.Errorf("years(%d, %d): got %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {143360, "140.0 KiB"}, {3 << 30, "3.0 GiB"}}
	for _, tt := range tests {
		if got := size(tt.n); got != tt.want {
			t.Errorf("size(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four five six", 9)
	want := []string{"one two", "three", "four five", "six"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := wrap("averyveryverylongword x", 5); strings.Join(got, "|") != "averyveryverylongword|x" {
		t.Errorf("long word: got %q", got)
	}
}
