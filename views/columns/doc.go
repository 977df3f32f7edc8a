// Package columns lays out the I/O panels' tables (iostat -x, sar -n DEV, the memory panel's
// figures): fixed-width columns under sysstat's headers, numbers right-aligned, and the least
// useful columns dropped first when the terminal is narrow. It reads frames only; it must not
// import os, sources/collect or sources/engine.
package columns
