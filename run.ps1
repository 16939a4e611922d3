#!/usr/bin/env pwsh
# Developer entry point. Runs under PowerShell installed as a local dotnet tool:
#   dotnet tool restore
#   dotnet pwsh run.ps1 <build|test|demo|validate|run|history> [arguments]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'validate', 'run', 'test-flow', 'history', 'help')]
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
    default {
        Write-Output @'
Usage: dotnet pwsh run.ps1 <command> [arguments]
  build                         build everything (Release)
  test [dotnet test options]    run all tests
  demo                          run the canonical flow against the built-in emulators
  validate [files or folders]   validate flows (default: rules/)
  run <flow.json> [options]     run a flow once (see: run --help)
  test-flow <flow.json> [opts]  the CLI's `test` verb: one row, no side effects (--send to send it)
  history [flow] [options]      show recorded runs
'@
    }
}
