#if canImport(Glibc)
    import Glibc
#endif

// The media helper: confines itself, then answers the daemon's requests on fds 3 (in) and 4 (out).
exit(MediaHelperMain.run(arguments: Array(CommandLine.arguments.dropFirst())))
