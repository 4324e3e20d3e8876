#ifndef TOKENSCAN_CSPAWN_SHIM_H
#define TOKENSCAN_CSPAWN_SHIM_H
/* GNU extensions that Swift's Glibc module hides (it is built without _GNU_SOURCE), declared as
 * glibc declares them. Both exist since glibc 2.34 or earlier, the release binary's floor:
 * pipe2 (2.9) creates both ends close-on-exec at once, so a child started by another thread in
 * between cannot inherit them; posix_spawn_file_actions_addclosefrom_np (2.34) closes every
 * other descriptor in the child, as Foundation's Process did. */
#include <spawn.h>

int pipe2(int pipefd[2], int flags);
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
