// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest.c - mmsim-guest, the program a real guest runs for a scenario's
 * process lines (tools/realkernel/run, docs/realkernel.md).
 *
 *   mmsim-guest serve NAME DIR
 *
 * becomes the scenario's process NAME: it makes the FIFOs DIR/NAME.cmd
 * and DIR/NAME.ack, writes its pid to DIR/NAME.pid, then serves one
 * command per open of NAME.cmd and answers on NAME.ack, so the guest's
 * init script (busybox sh) can drive several processes in the scenario's
 * order with nothing but echo and read.  Commands, numbers in decimal
 * (the script has already evaluated variables and offsets):
 *
 *   mmap ADDR LEN PROT FLAGS FD OFF    munmap ADDR LEN
 *   mprotect ADDR LEN PROT             madvise ADDR LEN ADVICE
 *   open HEXPATH FLAGS [MODE]          close FD
 *   ftruncate FD LEN                   touch ADDR LEN WRITE
 *   mremap ADDR OLD NEW FLAGS [NEWADDR]
 *   fork CHILD                         exit CODE
 *
 * Answers: "R VALUE ERRNO" (ERRNO 0 on success), "S SIGNO" when touch
 * faulted (the process then dies, as the model kills it), "X" before an
 * exit.  fork's child serves CHILD's FIFOs before the parent answers.
 *
 * touch stores or loads one byte per 4 KiB page of [ADDR, ADDR + LEN), as
 * the model's touch() does.  The process disables address randomisation
 * (re-executing itself once) and unmaps its vdso and vvar, so its mmaps
 * land where the model's do; it still has its text, heap and stack, which
 * the model's processes lack.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static const char *dir;
static char name[64];
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_sig;

static void die(const char *what)
{
	fprintf(stderr, "mmsim-guest %s: %s: %s\n", name, what, strerror(errno));
	_exit(120);
}

static void path_of(char *buf, size_t len, const char *who, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", dir, who, ext);
}

/* Make NAME's FIFOs, then publish the pid: the script waits for the pid */
static void become(const char *who)
{
	char p[4096], tmp[4096];
	FILE *f;

	snprintf(name, sizeof(name), "%s", who);
	path_of(p, sizeof(p), who, "cmd");
	if (mkfifo(p, 0600) && errno != EEXIST)
		die("mkfifo cmd");
	path_of(p, sizeof(p), who, "ack");
	if (mkfifo(p, 0600) && errno != EEXIST)
		die("mkfifo ack");
	path_of(tmp, sizeof(tmp), who, "pid.tmp");
	path_of(p, sizeof(p), who, "pid");
	f = fopen(tmp, "w");
	if (!f)
		die("pid file");
	fprintf(f, "%d\n", getpid());
	if (fclose(f) || rename(tmp, p))
		die("pid file");
}

static void answer(const char *fmt, long a, long b)
{
	char p[4096], buf[128];
	int fd, n;

	path_of(p, sizeof(p), name, "ack");
	n = snprintf(buf, sizeof(buf), fmt, a, b);
	fd = open(p, O_WRONLY);
	if (fd < 0)
		die("open ack");
	if (write(fd, buf, (size_t)n) != n)
		die("write ack");
	close(fd);
}

static void on_fault(int sig)
{
	touch_sig = sig;
	siglongjmp(touch_env, 1);
}

static int touch(uintptr_t addr, uint64_t len, int write)
{
	struct sigaction sa = { .sa_handler = on_fault };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(touch_env, 1))
		return touch_sig;
	for (uint64_t off = 0; off < len; off += 4096) {
		volatile char *c = (volatile char *)(addr + off);

		if (write)
			*c = 1;
		else
			(void)*c;
	}
	return 0;
}

static char *unhex(const char *h)
{
	size_t n = strlen(h) / 2;
	char *s = calloc(1, n + 1);

	for (size_t i = 0; s && i < n; i++) {
		unsigned int v;

		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			break;
		s[i] = (char)v;
	}
	return s;
}

/* One command; false when the process is to end */
static int serve_one(const char *line)
{
	char cmd[32], arg[4096];
	long long a[6] = { 0 };
	long ret = 0;
	int n;

	errno = 0;
	if (sscanf(line, "%31s %n", cmd, &n) != 1) {
		answer("R %ld %ld", -1, EINVAL);
		return 1;
	}
	line += n;
	if (!strcmp(cmd, "open")) {
		char *path;

		/* open(path, flags) or open(path, flags, mode) */
		if (sscanf(line, "%4095s %lld %lld", arg, &a[1], &a[2]) < 2)
			return answer("R %ld %ld", -1, EINVAL), 1;
		path = unhex(arg);
		ret = open(path, (int)a[1], (mode_t)a[2]);
		free(path);
	} else if (!strcmp(cmd, "fork")) {
		int ready[2];
		char c;
		pid_t pid;

		if (sscanf(line, "%63s", arg) != 1 || pipe(ready))
			return answer("R %ld %ld", -1, EINVAL), 1;
		pid = fork();
		if (pid == 0) {
			close(ready[0]);
			become(arg);
			close(ready[1]);	/* the parent's read returns */
			return 1;
		}
		close(ready[1]);
		if (pid > 0 && read(ready[0], &c, 1) < 0)
			die("fork ready");
		close(ready[0]);
		ret = pid;
	} else {
		sscanf(line, "%lld %lld %lld %lld %lld %lld", &a[0], &a[1], &a[2], &a[3], &a[4],
		       &a[5]);
		if (!strcmp(cmd, "mmap")) {
			void *p = mmap((void *)(uintptr_t)a[0], (size_t)a[1], (int)a[2], (int)a[3],
				       (int)a[4], (off_t)a[5]);

			ret = p == MAP_FAILED ? -1 : (long)(uintptr_t)p;
		} else if (!strcmp(cmd, "mremap")) {
			void *p = mremap((void *)(uintptr_t)a[0], (size_t)a[1], (size_t)a[2],
					 (int)a[3], (void *)(uintptr_t)a[4]);

			ret = p == MAP_FAILED ? -1 : (long)(uintptr_t)p;
		} else if (!strcmp(cmd, "munmap")) {
			ret = munmap((void *)(uintptr_t)a[0], (size_t)a[1]);
		} else if (!strcmp(cmd, "mprotect")) {
			ret = mprotect((void *)(uintptr_t)a[0], (size_t)a[1], (int)a[2]);
		} else if (!strcmp(cmd, "madvise")) {
			ret = madvise((void *)(uintptr_t)a[0], (size_t)a[1], (int)a[2]);
		} else if (!strcmp(cmd, "close")) {
			ret = close((int)a[0]);
		} else if (!strcmp(cmd, "ftruncate")) {
			ret = ftruncate((int)a[0], (off_t)a[1]);
		} else if (!strcmp(cmd, "touch")) {
			int sig = touch((uintptr_t)a[0], (uint64_t)a[1], (int)a[2]);

			if (sig) {
				answer("S %ld%.0ld", sig, 0);
				_exit(128 + sig);
			}
		} else if (!strcmp(cmd, "exit")) {
			answer("X%.0ld%.0ld", 0, 0);
			_exit((int)a[0]);
		} else {
			errno = ENOSYS;
			ret = -1;
		}
	}
	answer("R %ld %ld", ret, ret == -1 ? errno : 0);
	return 1;
}

static void serve(void)
{
	char p[4096], line[8192];

	for (;;) {
		ssize_t n, got = 0;
		int fd;

		path_of(p, sizeof(p), name, "cmd");
		fd = open(p, O_RDONLY);
		if (fd < 0)
			die("open cmd");
		while ((n = read(fd, line + got, sizeof(line) - 1 - (size_t)got)) > 0)
			got += n;
		close(fd);
		line[got] = 0;
		if (got && line[got - 1] == '\n')
			line[got - 1] = 0;
		if (!got)
			continue;
		serve_one(line);
	}
}

/*
 * The model's processes have no vdso and no vvar: with them gone, and no
 * randomisation, this process's first mmap() lands where the model's
 * does (mmap_base 0x7ffff7fff000 less the length), so scenarios that
 * place MAP_FIXED mappings next to an earlier one mean the same here.
 * Nothing in this program calls into the vdso.
 */
static void drop_vdso(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	uintptr_t lo[8], hi[8];
	int n = 0;

	if (!f)
		return;
	while (n < 8 && fgets(line, sizeof(line), f))
		if ((strstr(line, "[vdso]") || strstr(line, "[vvar")) &&	/* [vvar_vclock] too */
		    sscanf(line, "%lx-%lx", &lo[n], &hi[n]) == 2)
			n++;
	fclose(f);
	while (n--)
		munmap((void *)lo[n], hi[n] - lo[n]);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc != 4 || strcmp(argv[1], "serve")) {
		fprintf(stderr, "usage: mmsim-guest serve NAME DIR\n");
		return 2;
	}
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
		personality(ADDR_NO_RANDOMIZE);
		execv("/proc/self/exe", argv);	/* with the new layout; go on if not */
	}
	dir = argv[3];
	/*
	 * Only fds 0-2, as a process the model creates has: the first open()
	 * returns 3 in both.  The init shell's data port (its fd 3) is not
	 * the process's business.
	 */
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			die("stdio");
	drop_vdso();
	become(argv[2]);
	serve();
	return 0;
}
