using System.Text.Json;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Tests.Support;
using Xunit.Abstractions;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

/// <summary>Issue 10, items 2, 3 and 9: sizes that used to end in "Insufficient stack" or 11 GB, and two
/// expressions whose errors were confusing.</summary>
public sealed class LimitTests(ITestOutputHelper output)
{
    [Fact]
    public void DeepCondition_IsAnErrorAtItsPlace_NotInsufficientStack()
    {
        var code = "Row.Number > 0 && " + new string('!', 20_000) + "true";

        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal("RE0105", error.Code);
        Assert.Contains("10,000 tokens", error.Message, StringComparison.Ordinal);
        Assert.Equal((FlowFile, Line), (error.File, error.Line));
        Assert.True(error.Column > Column + 18, $"column {error.Column} should point into the run of '!'");
    }

    [Fact]
    public void LongOrChain_IsAnErrorAtTheLinkPastTheLimit()
    {
        var code = string.Join(" || ", Enumerable.Range(0, 400).Select(i => $"Row.Number == {i}"));

        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal("RE0105", error.Code);
        Assert.Contains($"deeper than {ExpressionLimits.MaxDepth} levels", error.Message, StringComparison.Ordinal);
        Assert.Equal(Column + 1 + code.IndexOf("||", StringComparison.Ordinal) + (400 - ExpressionLimits.MaxDepth) * "|| Row.Number == 000 ".Length, error.Column, tolerance: 400);
    }

    [Fact]
    public void ChainJustUnderTheLimit_Compiles()
    {
        var code = string.Join(" || ", Enumerable.Range(0, 200).Select(i => $"Row.Number == {i}"));

        Assert.True(Condition(code).Evaluate(Scope()));
    }

    [Fact]
    public void CheckedPlaceholder_CompilesInATemplateAsInACondition()
    {
        Assert.Empty(ConditionErrors("checked(int.MaxValue - 10 + Row.Number) > 0"));
        Assert.Equal("2147483640", Template("{checked(int.MaxValue - 10 + Row.Number)}").Render(Scope()));
        Assert.Equal("-2147483646", Template("{unchecked(int.MaxValue + Row.Number)}").Render(Scope()));
    }

    [Theory]
    [InlineData("Row.Fields.Remove(\"Email\")")]
    [InlineData("Row.Fields.Remove(\"Email\", out var removed)")]
    [InlineData("update.Output.Remove(\"contactId\") && true")]
    public void RemovingFromTheRow_SaysTheRowCannotBeChanged(string code)
    {
        var errors = ConditionErrors(code);

        Assert.Contains(errors, e => e.Code == "RE0102" && e.Message.Contains("the row and the results of earlier steps cannot be changed", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Code == "CS7036");
    }

    /// <summary>Loading grows linearly with the number of steps: each step's expressions used to copy the list of
    /// earlier and later step ids and build a name table of them (validate of 10,000 steps took 11 GB). Counted in
    /// allocated bytes, which do not depend on the machine's load.</summary>
    [Fact]
    public void LoadingManySteps_AllocatesLinearly()
    {
        var small = AllocatedByLoading(1_000);
        var large = AllocatedByLoading(4_000);

        output.WriteLine($"1,000 steps: {small / 1e6:F1} MB allocated; 4,000 steps: {large / 1e6:F1} MB ({(double)large / small:F2}x)");
        Assert.True(large < small * 7, $"4x the steps allocated {(double)large / small:F1}x the memory: not linear (quadratic would be about 16x)");
    }

    private static long AllocatedByLoading(int steps)
    {
        var registry = new TestRegistry();
        var flow = new
        {
            name = $"steps{steps}",
            source = new { type = "memory.rows" },
            steps = Enumerable.Range(0, steps).Select(i => new { id = $"s{i}", type = "test.call", text = "{Email} {Name}" }),
        };
        var json = JsonSerializer.Serialize(flow);
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var set = registry.Load(json);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics.Take(3)));
        return allocated;
    }
}
