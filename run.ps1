#!/usr/bin/env pwsh
# Developer entry point. Runs under PowerShell installed as a local dotnet tool:
#   dotnet tool restore
#   dotnet pwsh run.ps1 <build|test|demo|validate|run|test-flow|history|replay|serve|status|enable|disable|connections|state> [arguments]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'validate', 'run', 'test-flow', 'history', 'replay', 'serve', 'status', 'enable', 'disable', 'connections', 'state', 'help')]
    [string] $Command = 'help',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)]
    [string[]] $Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$cli = 'src/RulesEngine.Cli/RulesEngine.Cli.csproj'

function Invoke-Cli([string[]] $arguments) {
    & dotnet run --project $cli -c Release -- @arguments
    exit $LASTEXITCODE
}

switch ($Command) {
    'build'     { & dotnet build RulesEngine.sln -c Release; exit $LASTEXITCODE }
    'test'      { & dotnet test RulesEngine.sln @Rest; exit $LASTEXITCODE }
    'demo'      { Invoke-Cli (@('demo') + $Rest) }
    'validate'  { if ($Rest.Count -eq 0) { $Rest = @('rules/') }; Invoke-Cli (@('validate') + $Rest) }
    'run'       { Invoke-Cli (@('run') + $Rest) }
    'test-flow' { Invoke-Cli (@('test') + $Rest) }
    'history'   { Invoke-Cli (@('history') + $Rest) }
    'replay'    { Invoke-Cli (@('replay') + $Rest) }
    'serve'     { Invoke-Cli (@('serve') + $Rest) }
    'status'    { Invoke-Cli (@('status') + $Rest) }
    'enable'    { Invoke-Cli (@('enable') + $Rest) }
    'disable'   { Invoke-Cli (@('disable') + $Rest) }
    'connections' { Invoke-Cli (@('connections') + $Rest) }
    'state'     { Invoke-Cli (@('state') + $Rest) }
    default {
        Write-Output @'
Usage: dotnet pwsh run.ps1 <command> [arguments]
  build                         build everything (Release)
  test [dotnet test options]    run all tests
  demo                          run the canonical flow against the built-in emulators
  validate [files or folders]   validate flows (default: rules/)
  run <flow.json> [options]     run a flow once (see: run --help)
  test-flow <flow.json> [opts]  the CLI's `test` verb: one row, no side effects (--send to send it)
  history [flow] [options]      show recorded runs (--json: camelCase JSON, ConvertFrom-Json reads it)
  replay <flow.json> (--run ID | --row N | --failed)   run chosen rows again through the journal
  serve [options]               the daemon: run every switched-on flow of rules/ on its triggers
  status [options]              each flow: on/off, running, last run, next run, last error
  enable <flow name>            switch a flow on for the daemon
  disable <flow name>           switch a flow off for the daemon
  connections test [NAME...]    check each connection with a harmless request (HelpCrunch search, Telegram getMe, SMTP sign-in)
  state copy --from X --to Y    copy a state (e.g. the SQLite file to PostgreSQL) without reprocessing a row
'@
    }
}
