import { DynamicModule, Module, type Type } from '@nestjs/common';
import { CLI_COMMANDS } from '../modules/clients/commands/index.js';
import { OPERATIONS_COMMANDS } from '../modules/operations/commands/index.js';
import { absentDependencies } from './absent-dependencies.js';
import { CliProgram } from './cli-program.js';

/** Every command of the CLI (src/cli/cli.module.ts registers the same list with their services). */
export const ALL_COMMANDS: readonly Type[] = [...CLI_COMMANDS, ...OPERATIONS_COMMANDS];

/**
 * The command tree alone, for checking the arguments: the commands, with
 * every service they are built with left out (null). Commander parses and
 * checks the arguments (options, values, help) from the commands' decorators
 * and parse methods, which use no service; the command never runs in this
 * context. So a usage error or `--help` answers without building the
 * application (~0.1 s of CPU) or reaching any database.
 */
@Module({})
export class CliArgumentsModule {
  static forRoot(): DynamicModule {
    return { module: CliArgumentsModule, providers: [...absentDependencies(ALL_COMMANDS), CliProgram, ...ALL_COMMANDS] };
  }
}
