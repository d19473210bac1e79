/*
 * The kernel's floor for SR-IOV discovery: the system calls SysfsWalk makes per VF, made from C
 * with no JVM in the way, over the same fixture tree DiscoveryBenchmark keeps. Not part of the
 * build; a measuring aid for docs/performance.md.
 *
 *   gcc -O2 -o /tmp/sysfs_floor sriov/src/test/c/sysfs_floor.c
 *   /tmp/sysfs_floor /dev/shm/fbbench-sriov/sys 20
 *
 * For every class/net entry that belongs to a VF (its device has a physfn), one round makes, as
 * SysfsWalk does per VF: readlink of <VF>/physfn/../<VF>/driver and of class/net/<if>, and
 * open/read/close of the netdev's address (through the PF's virtfnN link), mtu and type. Only
 * those per-VF calls are made: the listings of bus/pci/devices, class/net and the PF directories,
 * and the PFs' own files, are left out, so the floor is slightly low. It prints the thread CPU
 * time of each round; compare it with DiscoveryBenchmark's per-call CPU in
 * the same minutes to tell the JVM's share from the machine's current speed.
 *
 * With a third argument it also times the same operations on files of the real /sys (sysfs is
 * not tmpfs: its opens and reads cost more), for example:
 *   /tmp/sysfs_floor /dev/shm/fbbench-sriov/sys 5 /sys/devices/virtual/net/lo
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_VFS 65536

struct vf {
    char *dir;     /* the VF's device directory */
    char *name;    /* its PCI address, the directory's last name */
    char *netdev;  /* its netdev */
    char *virtfn;  /* <PF dir>/virtfnN */
};

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static char buf[4096];

static void read_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        if (read(fd, buf, sizeof buf) < 0) {
            perror(path);
        }
        close(fd);
    }
}

static void per_op(const char *dir, const char *file, int n) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    double t0 = cpu_ms();
    for (int i = 0; i < n; i++) {
        read_file(path);
    }
    printf("open+read+close %s: %.2f us\n", path, (cpu_ms() - t0) * 1e3 / n);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <sys root> <rounds> [real sysfs netdev dir]\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    int rounds = atoi(argv[2]);
    static struct vf vfs[MAX_VFS];
    int count = 0;
    char path[8192], target[4096];
    snprintf(path, sizeof path, "%s/class/net", root);
    DIR *classnet = opendir(path);
    if (classnet == NULL) {
        perror(path);
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(classnet)) != NULL && count < MAX_VFS) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/class/net/%s", root, e->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n <= 0) {
            continue;
        }
        target[n] = 0;
        /* ../../devices/<path to the function>/net/<if> */
        char *net = strstr(target, "/net/");
        if (strncmp(target, "../../", 6) != 0 || net == NULL) {
            continue;
        }
        *net = 0;
        char dir[4096], physfn[4096 + 16];
        snprintf(dir, sizeof dir, "%s/%s", root, target + 6);
        snprintf(physfn, sizeof physfn, "%s/physfn", dir);
        n = readlink(physfn, target, sizeof target - 1);
        if (n <= 0) {
            continue; /* not a VF */
        }
        char *name = strrchr(dir, '/') + 1;
        /* the PF's virtfnN that leads to this VF: found by reading the PF's links once */
        char pfdir[4096 + 64];
        snprintf(pfdir, sizeof pfdir, "%s", dir);
        *strrchr(pfdir, '/') = 0;
        target[n] = 0;
        snprintf(pfdir + strlen(pfdir), sizeof pfdir - strlen(pfdir), "/%s", strrchr(target, '/') + 1);
        DIR *pf = opendir(pfdir);
        struct dirent *f;
        char *virtfn = NULL;
        while (pf != NULL && (f = readdir(pf)) != NULL) {
            if (strncmp(f->d_name, "virtfn", 6) != 0) {
                continue;
            }
            char link[4096 + 320], to[4096];
            snprintf(link, sizeof link, "%s/%s", pfdir, f->d_name);
            ssize_t m = readlink(link, to, sizeof to - 1);
            if (m > 0) {
                to[m] = 0;
                if (strcmp(strrchr(to, '/') + 1, name) == 0) {
                    virtfn = strdup(link);
                    break;
                }
            }
        }
        if (pf != NULL) {
            closedir(pf);
        }
        if (virtfn == NULL) {
            continue;
        }
        vfs[count].dir = strdup(dir);
        vfs[count].name = strdup(name);
        vfs[count].netdev = strdup(e->d_name);
        vfs[count].virtfn = virtfn;
        count++;
    }
    closedir(classnet);
    printf("%d VFs with a netdev under %s\n", count, root);
    for (int r = 0; r < rounds; r++) {
        double t0 = cpu_ms();
        for (int i = 0; i < count; i++) {
            struct vf *v = &vfs[i];
            snprintf(path, sizeof path, "%s/physfn/../%s/driver", v->dir, v->name);
            readlink(path, target, sizeof target);
            snprintf(path, sizeof path, "%s/class/net/%s", root, v->netdev);
            readlink(path, target, sizeof target);
            snprintf(path, sizeof path, "%s/net/%s/address", v->virtfn, v->netdev);
            read_file(path);
            snprintf(path, sizeof path, "%s/net/%s/mtu", v->dir, v->netdev);
            read_file(path);
            snprintf(path, sizeof path, "%s/net/%s/type", v->dir, v->netdev);
            read_file(path);
        }
        printf("round %d: %.1f ms CPU for %d VFs\n", r + 1, cpu_ms() - t0, count);
    }
    if (argc > 3 && count > 0) {
        snprintf(path, sizeof path, "%s/net/%s", vfs[0].dir, vfs[0].netdev);
        per_op(path, "mtu", 20000);
        per_op(argv[3], "mtu", 20000);
    }
    return 0;
}
