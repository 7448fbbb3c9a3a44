import { DynamicModule, type InjectionToken, Module, type Provider, type Type } from '@nestjs/common';
import { CLI_COMMANDS } from '../modules/clients/commands/index.js';
import { OPERATIONS_COMMANDS } from '../modules/operations/commands/index.js';
import { CliProgram } from './cli-program.js';

/** Every command of the CLI (src/cli/cli.module.ts registers the same list with their services). */
export const ALL_COMMANDS: readonly Type[] = [...CLI_COMMANDS, ...OPERATIONS_COMMANDS];

/** What Nest injects into a class's constructor: its parameter types, with `@Inject(token)` overriding them. */
export function constructorTokens(type: Type): InjectionToken[] {
  const tokens: InjectionToken[] = [...((Reflect.getMetadata('design:paramtypes', type) as InjectionToken[] | undefined) ?? [])];
  for (const { index, param } of (Reflect.getMetadata('self:paramtypes', type) as { index: number; param: InjectionToken }[] | undefined) ??
    [])
    tokens[index] = param;
  return tokens;
}

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
    const absent = new Map<InjectionToken, Provider>();
    for (const command of ALL_COMMANDS)
      for (const token of constructorTokens(command)) absent.set(token, { provide: token, useValue: null });
    return { module: CliArgumentsModule, providers: [...absent.values(), CliProgram, ...ALL_COMMANDS] };
  }
}
