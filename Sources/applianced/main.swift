#if canImport(Glibc)
import Glibc
#endif

// The composition root: the command line picks a command; each command wires what it needs.
exit(CommandLineTool.run(Array(CommandLine.arguments.dropFirst())))
