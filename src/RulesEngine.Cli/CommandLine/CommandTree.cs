using System.CommandLine;
using System.CommandLine.Help;
using RulesEngine.Cli.Commands;

namespace RulesEngine.Cli.CommandLine;

/// <summary>
/// The command line as data: every verb, in the order the overview lists them. Adding a verb is one line here plus
/// its class (a <c>Create()</c> returning a <see cref="VerbCommand"/>); adding an option is one field in the verb's
/// class, listed in its <c>Create()</c> and read with <c>parse.GetValue(field)</c>.
/// </summary>
internal static class CommandTree
{
    public const string ProgramName = "rulesengine";

    public static RootCommand Build()
    {
        var root = new RootCommand("rulesengine: runs automation flows kept as JSON files (Google Sheets rows -> HelpCrunch, Telegram, ...).")
        {
            ValidateCommand.Create(),
            RunCommand.Create(),
            TestCommand.Create(),
            DemoCommand.Create(),
            HistoryCommand.Create(),
            ReplayCommand.Create(),
            ServeCommand.Create(),
            EnableCommand.Create(),
            DisableCommand.Create(),
            StatusCommand.Create(),
            SchemaCommand.Create(),
            ListCommand.Create(),
            InitCommand.Create(),
            SampleCommand.Create(),
            ConnectionsCommand.Create(),
            StateCommand.Create(),
            CompletionCommand.Create(),
        };
        // Completion lines start with the program's name; in-process (tests, dotnet run) the executable is named otherwise.
        if (root.Name != ProgramName) root.Aliases.Add(ProgramName);
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction action) action.MaxWidth = HelpText.Width;
        root.Options.OfType<VersionOption>().Single().Action = new ProgramVersionAction();
        return root;
    }
}
