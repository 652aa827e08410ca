// Side-effect CSS imports (app/layout.tsx) are handled by Next's bundler.
declare module "*.css";
