/*
 * saber-launch: starts tool processes for a SABER executor (see
 * src/launcher/native.launcher.ts, which speaks to it).
 *
 * Node's child_process.spawn forks the whole Node process and waits for the
 * child's exec; glibc's posix_spawn uses clone(CLONE_VM | CLONE_VFORK), which
 * copies no page tables, so a spawn costs a fraction of it. The helper also
 * reaps with wait4, which reports every process's peak resident set (ru_maxrss)
 * however short-lived it was.
 *
 * Requests arrive on stdin as frames: a 32-bit little-endian byte count, then
 * NUL-terminated fields:
 *   L id cwd stdin stdout stderr argc argv[0..argc) envc env[0..envc)
 *     start a process in a new session (its own process group), stdio opened
 *     from the three paths (an empty stdin path: /dev/null), in directory cwd;
 *     argv[0] without a '/' is looked up in the PATH of env, as execvp does;
 *   K id
 *     SIGKILL the process group of request id.
 * Replies, one line each on stdout:
 *   <id> exit <code> <signal> <duration-us> <maxrss-kB>
 *     (code -1 when a signal ended it, signal 0 when it exited)
 *   <id> error <ERRNO-NAME> <message>
 * When stdin closes (the executor went away) every process group still running
 * is killed and the helper exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME (64u << 20)

struct proc {
  unsigned long long id;
  pid_t pid;
  struct timespec started;
};

static struct proc *procs;
static size_t nprocs, capprocs;

static void die(const char *what) {
  fprintf(stderr, "saber-launch: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void write_all(const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(STDOUT_FILENO, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("write");
    }
    buf += n;
    len -= (size_t)n;
  }
}

static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case E2BIG: return "E2BIG";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ETXTBSY: return "ETXTBSY";
    case EROFS: return "EROFS";
    case ENOSPC: return "ENOSPC";
    default: return "EIO";
  }
}

static void reply_error(unsigned long long id, int e, const char *what) {
  char line[PATH_MAX + 256];
  int n = snprintf(line, sizeof line, "%llu error %s %s: %s\n", id, errno_name(e), what, strerror(e));
  if (n < 0) return;
  if ((size_t)n >= sizeof line) n = sizeof line - 1;
  /* One line per reply, whatever the names held. */
  for (int i = 0; i < n - 1; i++)
    if (line[i] == '\n') line[i] = ' ';
  line[n - 1] = '\n';
  write_all(line, (size_t)n);
}

static long long micros_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)(t.tv_sec - t0->tv_sec) * 1000000LL + (t.tv_nsec - t0->tv_nsec) / 1000;
}

/* The value of NAME in env (NAME=value entries), or NULL. */
static const char *env_value(char **env, const char *name) {
  size_t len = strlen(name);
  for (; *env; env++)
    if (strncmp(*env, name, len) == 0 && (*env)[len] == '=') return *env + len + 1;
  return NULL;
}

static int is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/*
 * The program argv0 names, searched as execvp does: a name with a '/' as it is
 * (relative to cwd), otherwise in each directory of PATH (default /bin:/usr/bin;
 * an empty entry is the working directory). Writes it to out; returns 0, or an
 * errno value: ENOENT when not found, EACCES when found but not executable.
 */
static int resolve_program(const char *argv0, const char *cwd, const char *path, char *out, size_t outlen) {
  if (strchr(argv0, '/')) {
    if (snprintf(out, outlen, "%s", argv0) >= (int)outlen) return ENAMETOOLONG;
    return 0;
  }
  if (!path) path = "/bin:/usr/bin";
  int seen_eacces = 0;
  const char *p = path;
  for (;;) {
    const char *colon = strchr(p, ':');
    size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
    char candidate[PATH_MAX];
    int n;
    if (dlen == 0) n = snprintf(candidate, sizeof candidate, "%s/%s", cwd, argv0);
    else if (p[0] == '/') n = snprintf(candidate, sizeof candidate, "%.*s/%s", (int)dlen, p, argv0);
    else n = snprintf(candidate, sizeof candidate, "%s/%.*s/%s", cwd, (int)dlen, p, argv0);
    if (n > 0 && (size_t)n < sizeof candidate) {
      if (is_executable_file(candidate)) {
        if (snprintf(out, outlen, "%s", candidate) >= (int)outlen) return ENAMETOOLONG;
        return 0;
      }
      if (access(candidate, F_OK) == 0) seen_eacces = 1;
    }
    if (!colon) break;
    p = colon + 1;
  }
  return seen_eacces ? EACCES : ENOENT;
}

static void track(unsigned long long id, pid_t pid, const struct timespec *started) {
  if (nprocs == capprocs) {
    capprocs = capprocs ? capprocs * 2 : 64;
    procs = realloc(procs, capprocs * sizeof *procs);
    if (!procs) die("realloc");
  }
  procs[nprocs].id = id;
  procs[nprocs].pid = pid;
  procs[nprocs].started = *started;
  nprocs++;
}

/* Next NUL-terminated field of a frame, or NULL past its end. */
static char *field(char **cursor, char *end) {
  char *f = *cursor;
  if (f >= end) return NULL;
  char *nul = memchr(f, '\0', (size_t)(end - f));
  if (!nul) return NULL;
  *cursor = nul + 1;
  return f;
}

static void launch(char *cursor, char *end) {
  char *id_s = field(&cursor, end);
  char *cwd = field(&cursor, end);
  char *in = field(&cursor, end);
  char *out = field(&cursor, end);
  char *err = field(&cursor, end);
  char *argc_s = field(&cursor, end);
  unsigned long long id = id_s ? strtoull(id_s, NULL, 10) : 0;
  if (!argc_s) {
    reply_error(id, EINVAL, "malformed launch request");
    return;
  }
  long argc = strtol(argc_s, NULL, 10);
  if (argc < 1 || argc > 1 << 20) {
    reply_error(id, EINVAL, "malformed launch request");
    return;
  }
  /* Two extra argv slots for the /bin/sh fallback below. */
  char **argv = calloc((size_t)argc + 3, sizeof *argv);
  if (!argv) die("calloc");
  for (long i = 0; i < argc; i++)
    if (!(argv[i + 1] = field(&cursor, end))) goto malformed;
  char *envc_s = field(&cursor, end);
  if (!envc_s) goto malformed;
  long envc = strtol(envc_s, NULL, 10);
  if (envc < 0 || envc > 1 << 20) goto malformed;
  char **envp = calloc((size_t)envc + 1, sizeof *envp);
  if (!envp) die("calloc");
  for (long i = 0; i < envc; i++)
    if (!(envp[i] = field(&cursor, end))) {
      free(envp);
      goto malformed;
    }

  char program[PATH_MAX];
  int e = resolve_program(argv[1], cwd, env_value(envp, "PATH"), program, sizeof program);
  if (e) {
    reply_error(id, e, argv[1]);
    free(envp);
    free(argv);
    return;
  }

  /* Opened here, not in the child, so that a failure names the file. */
  const char *paths[3] = {*in ? in : "/dev/null", out, err};
  int fds[3] = {-1, -1, -1};
  for (int i = 0; i < 3; i++) {
    fds[i] = i == 0 ? open(paths[0], O_RDONLY | O_CLOEXEC) : open(paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fds[i] < 0) {
      reply_error(id, errno, paths[i]);
      for (int j = 0; j < i; j++) close(fds[j]);
      free(envp);
      free(argv);
      return;
    }
  }
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawn_file_actions_init(&fa);
  for (int i = 0; i < 3; i++) posix_spawn_file_actions_adddup2(&fa, fds[i], i);
  if (*cwd) posix_spawn_file_actions_addchdir_np(&fa, cwd);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  struct timespec started;
  clock_gettime(CLOCK_MONOTONIC, &started);
  pid_t pid;
  e = posix_spawn(&pid, program, &fa, &attr, argv + 1, envp);
  if (e == ENOEXEC) {
    /* A script without a #! line: run it with /bin/sh, as execvp does. */
    argv[0] = "/bin/sh";
    argv[1] = program;
    e = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp);
  }
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  for (int i = 0; i < 3; i++) close(fds[i]);
  struct stat st;
  if (e == ENOENT && *cwd && stat(cwd, &st) != 0) reply_error(id, errno, cwd);
  else if (e) reply_error(id, e, argv[1]);
  else track(id, pid, &started);
  free(envp);
  free(argv);
  return;

malformed:
  free(argv);
  reply_error(id, EINVAL, "malformed launch request");
}

static void kill_request(char *cursor, char *end) {
  char *id_s = field(&cursor, end);
  if (!id_s) return;
  unsigned long long id = strtoull(id_s, NULL, 10);
  for (size_t i = 0; i < nprocs; i++)
    if (procs[i].id == id) {
      /* The process leads its own session, hence its own process group. */
      if (kill(-procs[i].pid, SIGKILL) != 0) kill(procs[i].pid, SIGKILL);
      return;
    }
}

static void reap(void) {
  for (;;) {
    int status;
    struct rusage ru;
    pid_t pid = wait4(-1, &status, WNOHANG, &ru);
    if (pid <= 0) return;
    for (size_t i = 0; i < nprocs; i++) {
      if (procs[i].pid != pid) continue;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      char line[160];
      int n = snprintf(line, sizeof line, "%llu exit %d %d %lld %ld\n", procs[i].id, code, sig, micros_since(&procs[i].started), ru.ru_maxrss);
      write_all(line, (size_t)n);
      procs[i] = procs[--nprocs];
      break;
    }
  }
}

static void dispatch(char *frame, uint32_t len) {
  char *cursor = frame, *end = frame + len;
  char *op = field(&cursor, end);
  if (!op) return;
  if (strcmp(op, "L") == 0) launch(cursor, end);
  else if (strcmp(op, "K") == 0) kill_request(cursor, end);
}

int main(void) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) != 0) die("sigprocmask");
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0) die("signalfd");
  signal(SIGPIPE, SIG_IGN);

  size_t cap = 1 << 16, have = 0;
  char *buf = malloc(cap);
  if (!buf) die("malloc");
  int open_input = 1;
  while (open_input || nprocs > 0) {
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (poll(fds, open_input ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (fds[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
      }
      reap();
    }
    if (open_input && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (cap - have < 4096) {
        cap *= 2;
        if (!(buf = realloc(buf, cap))) die("realloc");
      }
      ssize_t n = read(STDIN_FILENO, buf + have, cap - have);
      if (n < 0 && errno != EINTR && errno != EAGAIN) die("read");
      if (n == 0) {
        /* The executor went away: nothing may outlive it. */
        open_input = 0;
        for (size_t i = 0; i < nprocs; i++) kill(-procs[i].pid, SIGKILL);
        continue;
      }
      if (n > 0) have += (size_t)n;
      size_t at = 0;
      while (have - at >= 4) {
        uint32_t len = (uint32_t)(unsigned char)buf[at] | (uint32_t)(unsigned char)buf[at + 1] << 8 |
                       (uint32_t)(unsigned char)buf[at + 2] << 16 | (uint32_t)(unsigned char)buf[at + 3] << 24;
        if (len > MAX_FRAME) {
          fprintf(stderr, "saber-launch: frame of %u bytes is too large\n", len);
          return 2;
        }
        if (have - at - 4 < len) {
          if (len + 4 > cap) {
            while (cap < len + 4) cap *= 2;
            if (!(buf = realloc(buf, cap))) die("realloc");
          }
          break;
        }
        dispatch(buf + at + 4, len);
        at += 4 + len;
      }
      memmove(buf, buf + at, have - at);
      have -= at;
    }
  }
  return 0;
}
