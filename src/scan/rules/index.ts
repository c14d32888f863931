// The rule list, in the order rules run: hidden data first (comparisons need to know what was
// decoded), then reads and comparisons, then flows (they follow comparison sites), then the
// covert combination, then the rest.
import type { Rule } from '../rule.ts';
import { rule as hiddenEncodedList } from './hidden-encoded-list.ts';
import { rule as hiddenEncodedString } from './hidden-encoded-string.ts';
import { rule as listRegionConstants } from './list-region-constants.ts';
import { rule as fpTimezoneRead } from './fp-timezone-read.ts';
import { rule as fpLocaleRead } from './fp-locale-read.ts';
import { rule as fpHostIdentity } from './fp-host-identity.ts';
import { rule as fpNetworkInterfaces } from './fp-network-interfaces.ts';
import { rule as fpProxyRead } from './fp-proxy-read.ts';
import { rule as fpBaseUrlRead } from './fp-base-url-read.ts';
import { rule as fpMachineId } from './fp-machine-id.ts';
import { rule as fpInstalledSoftware } from './fp-installed-software.ts';
import { rule as fpCompareConstant } from './fp-compare-constant.ts';
import { rule as flowToNetwork } from './flow-fingerprint-to-network.ts';
import { rule as flowToPrompt } from './flow-fingerprint-to-prompt.ts';
import { rule as flowSelectsChars } from './flow-fingerprint-selects-chars.ts';
import { rule as covertGate } from './covert-fingerprint-gate.ts';
import { rule as netEndpoint } from './net-endpoint.ts';
import { rule as telemetryEndpoint } from './telemetry-endpoint.ts';
import { rule as telemetryEvents } from './telemetry-events.ts';
import { rule as telemetrySwitch } from './telemetry-switch.ts';
import { rule as dynEval } from './dyn-eval.ts';
import { rule as dynFunctionConstructor } from './dyn-function-constructor.ts';
import { rule as dynVm } from './dyn-vm.ts';
import { rule as dynRemoteCode } from './dyn-remote-code.ts';
import { rule as execNetworkTool } from './exec-network-tool.ts';
import { rule as pkgInstallScript } from './pkg-install-script.ts';
import { rule as pkgNativeExecutable } from './pkg-native-executable.ts';
import { rule as pkgCompiledJs } from './pkg-compiled-js.ts';
import { rule as obfStringTable } from './obf-string-table.ts';
import { rule as obfMangledIdentifiers } from './obf-mangled-identifiers.ts';
import { rule as obfUnusualUnicode } from './obf-unusual-unicode.ts';

export const RULES: readonly Rule[] = [
  hiddenEncodedList, hiddenEncodedString, listRegionConstants,
  fpTimezoneRead, fpLocaleRead, fpHostIdentity, fpNetworkInterfaces, fpProxyRead, fpBaseUrlRead, fpMachineId, fpInstalledSoftware,
  fpCompareConstant,
  flowToNetwork, flowToPrompt, flowSelectsChars,
  covertGate,
  netEndpoint, telemetryEndpoint, telemetryEvents, telemetrySwitch,
  dynEval, dynFunctionConstructor, dynVm, dynRemoteCode, execNetworkTool, pkgInstallScript, pkgNativeExecutable, pkgCompiledJs,
  obfStringTable, obfMangledIdentifiers, obfUnusualUnicode,
];

export const RULE_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.meta.id, r]));
