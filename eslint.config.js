// ESLint flat config. TypeScript's own checks (tsc --noEmit, strict) catch undefined names and type errors; this adds
// the rules tsc cannot express, above all: workflow code stays deterministic.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox and is bundled separately: a value import of anything else
// (Node built-ins, the ORM, activity implementations) breaks replay or the bundle. Type-only imports are erased, so
// they are allowed; so are sibling workflow files (`./x.js`), which are workflow code themselves.
const workflowImports = {
  patterns: [
    {
      regex: '^(?!@temporalio/workflow(/|$)|\\./)',
      allowTypeImports: true,
      message:
        'Workflow files may import only @temporalio/workflow, sibling workflow files and types (`import type`): workflow code must be deterministic.',
    },
  ],
};

export default defineConfig(
  { ignores: ['node_modules/', '.data/', '.tools/', '.cache/', 'src/generated/', 'tests/generated/', 'dist/', 'coverage/'] },
  tseslint.configs.recommended,
  {
    rules: {
      // Unused arguments and catch bindings named _x are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-debugger': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/schema/**/*.ts'],
    rules: {
      // type-graphql's @Root() copies the parent into a new instance of its declared class (a MikroORM entity built
      // per field call, and rows lose their relation getters): src/schema/parent.ts explains.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'type-graphql', importNames: ['Root'], message: 'Use @Parent() from src/schema/parent.ts.' }] },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      // The TypeScript variant replaces the core rule: it knows `import type` (allowTypeImports).
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', workflowImports],
      // `import { type X } from '../y.js'` may survive compilation as `import '../y.js'`: require `import type`.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Type-aware rules where a forgotten `await` does real harm: workflows (an un-awaited activity silently does not
    // order), activities and the Temporal plumbing, and the entry points that stop servers. Limited to these files to
    // keep `npm run lint` quick (type information costs a TypeScript program).
    files: ['src/workflows/**/*.ts', 'src/activities/**/*.ts', 'src/temporal/**/*.ts', 'src/bin/**/*.ts', 'src/process/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
);
