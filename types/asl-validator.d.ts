declare module 'asl-validator' {
  interface Result {
    isValid: boolean;
    errors: Array<{ message?: string; [k: string]: unknown }>;
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, opts?: { checkArn?: boolean; checkPaths?: boolean }): Result;
  export = aslValidator;
}
