using RulesEngine.Core.Running;

namespace RulesEngine.Core.Tests.Running;

/// <summary>Which steps a condition reads decides which failures it handles: names in code count, names in
/// strings, comments and member accesses do not.</summary>
public sealed class StepReferencesTests
{
    private static readonly string[] Steps = ["update", "create", "ifUpdateFailed"];

    [Theory]
    [InlineData("update.Failed", "update")]
    [InlineData("update.Result == 0 && !string.IsNullOrEmpty(create.Error)", "create,update")]
    [InlineData("@update.Failed", "update")]
    [InlineData("Row[\"update\"] == \"create\"", "")]
    [InlineData("Email == @\"update\"\"create\" && ifUpdateFailed.Result == 1", "ifUpdateFailed")]
    [InlineData("$\"{create.Error} update\".Length > 0", "create")]
    [InlineData("\"\"\"update\"\"\".Length > 0 /* create */ // ifUpdateFailed", "")]
    [InlineData("Row.update == null || x.create", "")]
    [InlineData("update.Failed && 'u' == 'c' && '\\'' != 'c'", "update")]
    public void In_FindsTheStepsTheCodeNames(string code, string expected)
    {
        Assert.Equal(expected, string.Join(",", StepReferences.In(code, Steps).Order(StringComparer.Ordinal)));
    }
}
