// One flat config for the whole workspace: typescript-eslint's strict rules, which read the syntax
// only (no type information, so linting stays fast); the type checker runs as `pnpm typecheck`.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.turbo/**", "docs/api/**", "examples/consumer/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      parserOptions: { projectService: false }
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-invalid-void-type": "off",
      "no-console": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "prefer-const": "error",
      "no-var": "error"
    }
  },
  {
    files: ["**/test/**", "**/bench/**", "scripts/**", "**/*.config.*", "vitest.shared.ts", "vitest.setup.ts", "apps/demo/src/**", "packages/emulator/src/bin.ts"],
    rules: { "no-console": "off" }
  },
  // One concept per module: no source module over 450 lines (comments and blank lines count), and
  // the client's public module, whose machinery lives in internal/, under 350.
  {
    files: ["packages/*/src/**/*.ts", "apps/*/src/**/*.ts"],
    rules: { "max-lines": ["error", { max: 450, skipBlankLines: false, skipComments: false }] }
  },
  {
    files: ["packages/client/src/RestoreClient.ts"],
    rules: { "max-lines": ["error", { max: 350, skipBlankLines: false, skipComments: false }] }
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } }
  }
)
