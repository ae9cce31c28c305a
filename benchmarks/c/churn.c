// SPDX-License-Identifier: Apache-2.0
/*
 * Connection churn on loopback, for benchmarks/overhead.sh: a TCP server process (accept, read, close)
 * and a client process (connect, send 4 bytes, close) on 127.0.0.1, for SECONDS seconds. The server
 * listens on a port the kernel picks, so it collides with nothing. Both stop by themselves: the client
 * after SECONDS, the server when the client is done (or after SECONDS + 5 at the latest).
 * Prints one line: "<connections> connections in <seconds> s (<errors> failed connects)".
 * Usage: churn [SECONDS] (default 5).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void serve(int listener)
{
	char buf[64];
	int fd;

	for (;;) {
		fd = accept(listener, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			exit(0);
		}
		while (read(fd, buf, sizeof(buf)) < 0 && errno == EINTR)
			;
		close(fd);
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	long connections = 0, errors = 0;
	double start, end;
	pid_t server;
	int listener, fd, status;

	if (argc > 2 || seconds <= 0) {
		fprintf(stderr, "usage: %s [SECONDS]\n", argv[0]);
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 1024) ||
	    getsockname(listener, (struct sockaddr *)&addr, &len)) {
		perror("churn: listen on 127.0.0.1");
		return 1;
	}
	server = fork();
	if (server < 0) {
		perror("churn: fork");
		return 1;
	}
	if (server == 0) {
		alarm((unsigned)seconds + 5);
		serve(listener);
	}
	close(listener);

	start = now();
	end = start + seconds;
	while (now() < end) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			perror("churn: socket");
			break;
		}
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && write(fd, "ping", 4) == 4) {
			connections++;
		} else if (++errors > 1000 && errors > connections) {
			perror("churn: connect");
			close(fd);
			break;
		}
		close(fd);
	}
	end = now();
	kill(server, SIGTERM);
	waitpid(server, &status, 0);
	printf("%ld connections in %.1f s (%ld failed connects)\n", connections, end - start, errors);
	return connections > 0 ? 0 : 1;
}
