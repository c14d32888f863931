// Source hosting and package registries: GitHub, GitLab, Bitbucket/Atlassian, Sourcegraph,
// npm, PyPI, Docker Hub, RubyGems, NuGet, crates.io, JFrog.
import { ALNUM, B64URL, HEX, assign, near, token } from '../build.ts';
import type { SecretRule } from '../types.ts';

const GL = '[A-Za-z0-9_-]';
/** GitLab tokens since 17.x may be "routable": base64 payload, '.', version, '.', 9-char CRC. */
const GL_BODY = `(?:${GL}{27,300}\\.[0-9a-z]{2}\\.[a-z0-9]{9}|${GL}{20})`;

export const VCS_RULES: SecretRule[] = [
  token({ id: 'github-pat', description: 'GitHub personal access token (classic, ghp_)', severity: 'critical', prefix: 'ghp_', body: ALNUM(36) }),
  token({ id: 'github-oauth-token', description: 'GitHub OAuth access token (gho_)', severity: 'critical', prefix: 'gho_', body: ALNUM(36) }),
  token({ id: 'github-user-to-server-token', description: 'GitHub App user-to-server token (ghu_)', severity: 'critical', prefix: 'ghu_', body: ALNUM(36) }),
  token({
    id: 'github-app-installation-token', description: 'GitHub App installation token (ghs_)', severity: 'critical',
    prefix: 'ghs_', body: '(?:[A-Za-z0-9]{36}|\\d{1,12}_eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})', right: '[A-Za-z0-9_.-]',
  }),
  token({ id: 'github-refresh-token', description: 'GitHub App refresh token (ghr_)', severity: 'critical', prefix: 'ghr_', body: ALNUM('36,76') }),
  token({
    id: 'github-fine-grained-pat', description: 'GitHub fine-grained personal access token (github_pat_)', severity: 'critical',
    prefix: 'github_pat_', body: '[A-Za-z0-9]{22}_[A-Za-z0-9]{59}',
  }),
  near({
    id: 'git-url-oauth-token', description: 'Token used as the user name of a git URL (…:x-oauth-basic@)', severity: 'critical',
    keywords: [':x-oauth-basic@'], before: 80, after: 2,
    value: '(?<=[/@])([A-Za-z0-9_]{20,72}):x-oauth-basic@', group: 1, entropy: 3,
  }),
  token({ id: 'gitlab-pat', description: 'GitLab personal access token (glpat-)', severity: 'critical', prefix: 'glpat-', body: GL_BODY, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-pipeline-trigger-token', description: 'GitLab pipeline trigger token (glptt-)', severity: 'high', prefix: 'glptt-', body: '[a-f0-9]{40}' }),
  token({
    id: 'gitlab-runner-registration-token', description: 'GitLab runner registration token (GR1348941)', severity: 'high',
    prefix: 'GR1348941', body: B64URL(20), left: '[A-Za-z0-9]', right: '[A-Za-z0-9_-]', entropy: 3,
  }),
  token({ id: 'gitlab-runner-token', description: 'GitLab runner authentication token (glrt-)', severity: 'high', prefix: 'glrt-', body: GL_BODY, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-deploy-token', description: 'GitLab deploy token (gldt-)', severity: 'high', prefix: 'gldt-', body: GL_BODY, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-feed-token', description: 'GitLab feed token (glft-)', severity: 'medium', prefix: 'glft-', body: GL_BODY, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-oauth-app-secret', description: 'GitLab OAuth application secret (gloas-)', severity: 'high', prefix: 'gloas-', body: B64URL('64') }),
  token({ id: 'gitlab-scim-token', description: 'GitLab SCIM OAuth token (glsoat-)', severity: 'high', prefix: 'glsoat-', body: GL_BODY, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-ci-build-token', description: 'GitLab CI/CD job token (glcbt-)', severity: 'high', prefix: 'glcbt-', body: `(?:[0-9a-f]{1,5}_)?${GL}{20,300}`, right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-incoming-mail-token', description: 'GitLab incoming email token (glimt-)', severity: 'medium', prefix: 'glimt-', body: B64URL(25) }),
  token({ id: 'gitlab-agent-token', description: 'GitLab agent for Kubernetes token (glagent-)', severity: 'high', prefix: 'glagent-', body: B64URL('50,300'), right: '[A-Za-z0-9_.-]' }),
  token({ id: 'gitlab-feature-flag-token', description: 'GitLab feature flags client token (glffct-)', severity: 'medium', prefix: 'glffct-', body: B64URL(20) }),
  token({
    id: 'atlassian-api-token', description: 'Atlassian (Jira, Confluence) API token (ATATT3)', severity: 'high',
    prefix: 'ATATT3', body: '[A-Za-z0-9_=-]{180,200}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9_=-]',
  }),
  token({
    id: 'bitbucket-app-password', description: 'Bitbucket app password / API token (ATBB)', severity: 'high',
    prefix: 'ATBB', body: '[A-Za-z0-9_=.-]{32,40}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9_=.-]', entropy: 3.5,
  }),
  token({
    id: 'bitbucket-access-token', description: 'Bitbucket repository / workspace access token (ATCTT3)', severity: 'high',
    prefix: 'ATCTT3', body: '[A-Za-z0-9_=-]{150,220}', left: '[A-Za-z0-9]', right: '[A-Za-z0-9_=-]',
  }),
  assign({
    id: 'atlassian-api-token-legacy', description: 'Atlassian / Jira / Confluence 24-character API token in context', severity: 'high',
    names: ['atlassian', 'jira', 'confluence'], value: ALNUM(24), entropy: 3.5,
  }),
  assign({
    id: 'bitbucket-client-secret', description: 'Bitbucket OAuth consumer secret in context', severity: 'high',
    names: ['bitbucket'], value: B64URL(32), entropy: 3.8,
  }),
  token({
    id: 'sourcegraph-access-token', description: 'Sourcegraph access token (sgp_)', severity: 'high',
    prefix: 'sgp_', body: '(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}', entropy: 3.5,
  }),
  assign({
    id: 'sourcegraph-legacy-token', description: 'Sourcegraph 40-hex access token in context', severity: 'high',
    names: ['sourcegraph'], value: HEX(40), entropy: 3.5,
  }),
  assign({
    id: 'gitea-token', description: 'Gitea / Forgejo access token in context', severity: 'high',
    names: ['gitea', 'forgejo'], value: '[a-f0-9]{40}', entropy: 3.0,
  }),
  token({ id: 'npm-access-token', description: 'npm access token (npm_)', severity: 'critical', prefix: 'npm_', body: ALNUM(36), left: '[A-Za-z0-9]' }),
  near({
    id: 'npmrc-auth-token', description: 'Registry auth token in an .npmrc (_authToken=)', severity: 'critical',
    keywords: [':_authtoken='], before: 1, after: 200,
    value: ':_authToken=([^\\s\'"$][^\\s\'"]{15,300})', group: 1, entropy: 3, confidence: 0.9,
  }),
  token({
    id: 'pypi-upload-token', description: 'PyPI API token (pypi-AgEIcHlwaS5vcmc…)', severity: 'critical',
    prefix: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'], body: B64URL('50,1000'), right: '[A-Za-z0-9_-]',
  }),
  token({ id: 'dockerhub-pat', description: 'Docker Hub personal access token (dckr_pat_)', severity: 'high', prefix: 'dckr_pat_', body: B64URL(27), right: '[A-Za-z0-9_-]' }),
  token({ id: 'dockerhub-org-token', description: 'Docker Hub organization access token (dckr_oat_)', severity: 'high', prefix: 'dckr_oat_', body: B64URL('27,40'), right: '[A-Za-z0-9_-]' }),
  token({ id: 'rubygems-api-key', description: 'RubyGems API key (rubygems_)', severity: 'high', prefix: 'rubygems_', body: HEX(48) }),
  token({ id: 'nuget-api-key', description: 'NuGet.org API key (oy2…)', severity: 'high', prefix: 'oy2', body: '[a-z0-9]{43}', left: '[A-Za-z0-9]', entropy: 3.5 }),
  token({ id: 'crates-io-token', description: 'crates.io API token (cio…)', severity: 'high', prefix: 'cio', body: ALNUM(32), left: '[A-Za-z0-9]', entropy: 3.8 }),
  token({
    id: 'jfrog-api-key', description: 'JFrog Artifactory API key (AKCp)', severity: 'high',
    prefix: 'AKCp', body: ALNUM(69), left: '[A-Za-z0-9]', entropy: 3.5,
  }),
  token({
    id: 'jfrog-reference-token', description: 'JFrog Artifactory reference token (base64 "reftkn")', severity: 'high',
    prefix: 'cmVmdGtu', body: ALNUM(56), left: '[A-Za-z0-9]', entropy: 3.5,
  }),
  token({ id: 'hex-pm-api-key', description: 'Hex.pm API key in context', severity: 'medium', prefix: ['HEX_API_KEY='], body: HEX(32), left: '[A-Za-z0-9]', ciPrefix: true }),
];
