// Command catalog keeps a catalog of research papers in one SQLite file.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	// CATALOG_CPUPROFILE=file writes a CPU profile of the run, for
	// performance work (go tool pprof catalog file).
	if path := os.Getenv("CATALOG_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "catalog: error: CATALOG_CPUPROFILE: %v\n", err)
			os.Exit(exitError)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
