/* SPDX-License-Identifier: MIT */
/** @file Subcommands of the ava CLI that live in their own files. */
#ifndef AVA_TOOLS_COMMANDS_H
#define AVA_TOOLS_COMMANDS_H

/** ava faces IMAGE... (tools/cmd_faces.c); argv[0] is "faces". Returns the exit status. */
int ava_cmd_faces(int argc, char **argv);

#endif /* AVA_TOOLS_COMMANDS_H */
