namespace RulesEngine.Core.Tests.Steps;

/// <summary>The preview loop and the two preview shapes every step's <c>test</c> output shares.</summary>
public sealed class StepPreviewTests
{
    private static ItemScope Item(string email) =>
        new(new SourceRow(2, new Dictionary<string, string> { ["Email"] = email }), new RunInfo("flow", "run-1", DateTimeOffset.UnixEpoch, "link"));

    private static readonly RequestPreview Search = new("POST", "https://api.example/search", "{}");

    [Fact]
    public async Task Preview_PreviewsEveryItemInOrder()
    {
        var previews = await ItemByItem.PreviewAsync([Item("a"), Item("b")], (item, _) =>
            Task.FromResult(new StepPreview([], StepOutcome.Success(new Dictionary<string, string> { ["email"] = item.Row["Email"] }))), default);

        Assert.Equal(["a", "b"], previews.Select(p => p.Predicted.Output["email"]));
    }

    [Fact]
    public async Task Preview_StopsBetweenItems_WhenTheCallerCancels()
    {
        using var cancel = new CancellationTokenSource();
        var previewed = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ItemByItem.PreviewAsync([Item("a"), Item("b")], async (_, _) =>
        {
            previewed++;
            await cancel.CancelAsync();
            return StepPreview.NothingSent(StepOutcome.Success());
        }, cancel.Token));

        Assert.Equal(1, previewed);
    }

    [Fact]
    public void NothingSent_HasNoRequests_AndKeepsTheOutcome()
    {
        var preview = StepPreview.NothingSent(StepOutcome.Failure("\"searchFor\" is empty"));

        Assert.Empty(preview.Requests);
        Assert.Equal("\"searchFor\" is empty", preview.Predicted.Error);
    }

    [Fact]
    public void Predicting_MarksAFailureAsPredicted_AndLeavesASuccessAlone()
    {
        var refused = StepPreview.Predicting([Search], StepOutcome.Failure("2 contacts match"));
        var success = StepOutcome.Success(new Dictionary<string, string> { ["contactId"] = "7" });
        var done = StepPreview.Predicting([Search], success);

        Assert.Equal((OutcomeStatus.Failed, "predicted: 2 contacts match"), (refused.Predicted.Status, refused.Predicted.Error));
        Assert.Equal([Search], refused.Requests);
        Assert.Same(success, done.Predicted);
    }
}
