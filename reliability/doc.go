// Package reliability holds no code: its tests run the catalog binary, built
// once per test run, as users do, and hurt it. They kill imports with
// SIGKILL and SIGINT at many moments, fill the disk, run readers and a
// second writer beside an import, take away write permission, and feed
// it inputs built to exhaust memory, then check that the database is whole,
// holds all of an import or none of it, and still works.
//
// The tests fit in CI's budget. CATALOG_LONG_TESTS=1 runs the longer
// versions (more kills, a 1 GB line), see the README's Reliability section.
package reliability
