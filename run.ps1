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
$built = 'src/RulesEngine.Cli/bin/Release/net10.0/rulesengine.dll'
# Written after each build this script makes; its time says which sources that build has seen.
$builtStamp = 'src/RulesEngine.Cli/bin/Release/net10.0/run-ps1.built'

# When the CLI's sources last changed (code, project files, the shared props).
function Get-SourcesChanged {
    $files = @(Get-ChildItem -Path src -Recurse -File -Include '*.cs', '*.csproj' |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    $files += @(Get-Item 'Directory.Build.props', 'Directory.Packages.props')
    ($files | Measure-Object -Property LastWriteTimeUtc -Maximum).Maximum
}

# Runs the program itself rather than `dotnet run` (which checks and rebuilds every project on every call, seconds
# each time): the installed `rulesengine` tool when it is at least as new as the sources, else this checkout's Release
# build, built first when it is missing or older than the sources. Build output goes to stderr, so the program's
# stdout (e.g. --json) stays clean.
function Invoke-Cli([string[]] $arguments) {
    $changed = Get-SourcesChanged
    $tool = Get-Command 'rulesengine' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($tool -and (Get-Item $tool.Source).LastWriteTimeUtc -ge $changed) {
        & $tool.Source @arguments
        exit $LASTEXITCODE
    }
    if (-not (Test-Path $built) -or -not (Test-Path $builtStamp) -or (Get-Item $builtStamp).LastWriteTimeUtc -lt $changed) {
        $startedAt = [DateTime]::UtcNow
        & dotnet build $cli -c Release --nologo -v quiet 2>&1 | ForEach-Object { [Console]::Error.WriteLine($_) }
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        # The stamp carries the build's start, so a source saved during the build still counts as newer.
        Set-Content -Path $builtStamp -Value ''
        (Get-Item $builtStamp).LastWriteTimeUtc = $startedAt
    }
    & dotnet $built @arguments
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
Runs the installed `rulesengine` tool when it is newer than the sources, else this checkout's Release build
(built when missing or older than the sources).
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
