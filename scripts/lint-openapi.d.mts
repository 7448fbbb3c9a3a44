export interface LintResult {
  errors: number;
  warnings: number;
  problems: string[];
}
export const OPENAPI_DOCUMENT_PATH: string;
export function redoclyLint(file: string): Promise<LintResult>;
export function spectralLint(file: string): Promise<LintResult>;
