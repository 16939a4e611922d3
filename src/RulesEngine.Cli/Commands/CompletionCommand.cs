using System.CommandLine;
using RulesEngine.Cli.CommandLine;

namespace RulesEngine.Cli.Commands;

/// <summary>
/// <c>completion</c>: prints the shell function that completes rulesengine's verbs, options and values. The function
/// asks the program itself (System.CommandLine's <c>[suggest:POSITION]</c> directive), so completion always matches
/// the verbs and options this build declares; no dotnet-suggest or other global tool is needed.
/// </summary>
internal static class CompletionCommand
{
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["bash"] = """
            # rulesengine completion for bash: add `source <(rulesengine completion bash)` to ~/.bashrc
            _rulesengine_complete() {
                local IFS=$'\n'
                local candidates
                candidates=$(rulesengine "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
                COMPREPLY=( $(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}") )
            }
            complete -o default -F _rulesengine_complete rulesengine
            """,
        ["zsh"] = """
            # rulesengine completion for zsh: add `source <(rulesengine completion zsh)` to ~/.zshrc (after compinit)
            _rulesengine_complete() {
                local -a candidates
                candidates=("${(@f)$(rulesengine "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
                compadd -a candidates
            }
            compdef _rulesengine_complete rulesengine
            """,
        ["pwsh"] = """
            # rulesengine completion for PowerShell: add `rulesengine completion pwsh | Out-String | Invoke-Expression` to $PROFILE
            Register-ArgumentCompleter -Native -CommandName rulesengine -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                rulesengine "[suggest:$cursorPosition]" "$commandAst" 2>$null | ForEach-Object {
                    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
    };

    private static readonly Argument<string> Shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh" }
        .AcceptOnlyFromAmong([.. Scripts.Keys]);

    public static VerbCommand Create() => new("completion", "print the shell script that completes verbs, options and values (bash, zsh, pwsh)")
    {
        Details = """
            Prints a shell function that completes rulesengine's verbs, options and their values as you type; the
            function asks the program itself, so it always knows exactly the verbs and options of the installed version.
            """,
        Examples =
        [
            "source <(rulesengine completion bash)             # in ~/.bashrc",
            "source <(rulesengine completion zsh)              # in ~/.zshrc, after compinit",
            "rulesengine completion pwsh | Out-String | Invoke-Expression   # in $PROFILE",
        ],
        ExitCodes = new Dictionary<ExitCode, string> { [ExitCode.Ok] = "printed" },
        Handler = RunAsync,
        Arguments = { Shell },
    };

    private static Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        // Written as is: the script's own backslashes and quotes must reach the shell untouched.
        console.Writer.WriteLine(Scripts[parse.GetRequiredValue(Shell)]);
        return Task.FromResult(ExitCode.Ok);
    }
}
