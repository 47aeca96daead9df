/* Hot-plug driver for HardwareTests: run under umockdev-wrapper as `hotplug APPLIANCED`.
 * Starts `APPLIANCED hardware --watch --json` on an empty umockdev testbed, then adds and removes a USB
 * disk and a GPU render node through libumockdev, echoing each line the daemon prints as `LINE <json>`.
 * Exit 0 when every expected event was seen, 3 on a timeout. */
#include <umockdev.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char buffer[1 << 20];
static size_t used;

/* Reads the child's lines, echoing them, until one contains `needle`; 0 on success, -1 on timeout/EOF. */
static int wait_for(int fd, const char *needle) {
    for (;;) {
        char *newline;
        while ((newline = memchr(buffer, '\n', used)) != NULL) {
            *newline = '\0';
            printf("LINE %s\n", buffer);
            fflush(stdout);
            int found = needle == NULL || strstr(buffer, needle) != NULL;
            size_t consumed = (size_t)(newline - buffer) + 1;
            memmove(buffer, newline + 1, used - consumed);
            used -= consumed;
            if (found) return 0;
        }
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 60000) <= 0 || used == sizeof buffer) return -1;
        ssize_t n = read(fd, buffer + used, sizeof buffer - used);
        if (n <= 0) return -1;
        used += (size_t)n;
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: hotplug APPLIANCED\n");
        return 2;
    }
    UMockdevTestbed *testbed = umockdev_testbed_new();
    int fds[2];
    if (pipe(fds) != 0) return 2;
    pid_t child = fork();
    if (child == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(argv[1], argv[1], "hardware", "--watch", "--json", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    int status = 3;
    if (wait_for(fds[0], NULL) != 0) goto done;

    /* add_device emits the "add" uevent itself. */
    gchar *disk = umockdev_testbed_add_device(testbed, "block", "sdz", NULL,
        "size", "2048", "removable", "1", NULL,
        "DEVTYPE", "disk", "DEVNAME", "/dev/sdz", "MAJOR", "65", "MINOR", "160", "ID_BUS", "usb",
        "ID_MODEL", "Hotplug_Stick", "ID_SERIAL_SHORT", "HP0001", NULL);
    if (wait_for(fds[0], "\"disk_added\"") != 0) goto done;
    umockdev_testbed_uevent(testbed, disk, "remove");
    umockdev_testbed_remove_device(testbed, disk);
    if (wait_for(fds[0], "\"disk_removed\"") != 0) goto done;

    gchar *pci = umockdev_testbed_add_device(testbed, "pci", "0000:00:02.0", NULL, NULL,
        "PCI_ID", "8086:46D1", "DRIVER", "i915", "PCI_SLOT_NAME", "0000:00:02.0", NULL);
    gchar *render = umockdev_testbed_add_device(testbed, "drm", "renderD128", pci, NULL,
        "DEVTYPE", "drm_minor", "DEVNAME", "/dev/dri/renderD128", "MAJOR", "226", "MINOR", "128", NULL);
    if (wait_for(fds[0], "\"gpu_added\"") != 0) goto done;
    umockdev_testbed_uevent(testbed, render, "remove");
    umockdev_testbed_remove_device(testbed, render);
    if (wait_for(fds[0], "\"gpu_removed\"") != 0) goto done;
    status = 0;
done:
    kill(child, SIGTERM);
    waitpid(child, NULL, 0);
    return status;
}
