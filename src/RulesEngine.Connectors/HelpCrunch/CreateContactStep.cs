using Newtonsoft.Json.Linq;
using Polly;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// <c>helpCrunch.createContact</c>: <c>POST /customers</c> with the mapped fields. Output: <c>contactId</c>.
/// A userId that already exists is a failure that says so; no answer from HelpCrunch is
/// <see cref="OutcomeStatus.Held"/>. Mapping rules: <see cref="ContactFieldMapping"/>.
/// <para>
/// Never creates twice: a create that may have acted without an answer (a timeout, a lost connection, a 5xx, or a
/// crash of the engine mid-call) is followed by a search for the contact by the userId, else the email, it would
/// create; a match is taken as this create's result (output <c>found</c>: 1) instead of creating again. A mapping
/// with neither userId nor email cannot be looked up, so such a create is sent again.
/// </para>
/// </summary>
internal sealed class CreateContactStep : IResumableReceiver
{
    public const string Type = "helpCrunch.createContact";
    public const string FieldFields = "fields";
    public const string OutputContactId = "contactId";

    /// <summary>1 when the contact was found, created by an earlier attempt whose answer was lost, rather than created now.</summary>
    public const string OutputFound = "found";

    /// <summary>HelpCrunch's code for a userId already taken by another contact.</summary>
    public const string DuplicateUserIdCode = "invalid_userId_value";

    public const string FieldOnDuplicateUserId = "onDuplicateUserId";

    /// <summary>1 when the userId was taken and, as <c>onDuplicateUserId: updateExisting</c> asks, that contact was updated instead.</summary>
    public const string OutputUpdated = "updated";

    public static StepSpec Spec { get; } = new(
        Type,
        "Create a HelpCrunch contact from mapped fields.",
        [
            new FieldSpec(FieldFields, FieldKind.Mapping,
                "contact fields to set: " + string.Join(", ", ContactFieldMapping.Known) + ". Empty values are left out.",
                Required: true, Example: "{\"name\": \"{Name}\", \"email\": \"{Email}\", \"userId\": \"{Id}\", \"locale\": \"en\"}"),
            new FieldSpec(FieldOnDuplicateUserId, FieldKind.Text,
                "when HelpCrunch refuses the create because another contact has this userId (invalid_userId_value): fail saying so " +
                "(default), or find that contact by userId and update it with these fields (output updated: 1)",
                AllowedValues: ["fail", "updateExisting"], Example: "updateExisting"),
        ],
        HelpCrunchConnection.Type)
    {
        Errors = [MappingCheck.UnknownField, MappingCheck.InvalidLiteral],
    };

    private readonly HelpCrunchClient _client;
    private readonly Func<ItemScope, JToken> _fields;
    private readonly ResiliencePipeline<StepOutcome> _retry;

    /// <summary>On a taken userId, update the contact that has it instead of failing.</summary>
    public bool UpdateExistingOnDuplicateUserId { get; init; }

    /// <param name="fields">Renders the field mapping for an item (a template map's Render).</param>
    public CreateContactStep(HelpCrunchClient client, Func<ItemScope, JToken> fields)
    {
        _client = client;
        _fields = fields;
        // The client does not repeat a create that may have acted; this retry does, after looking the contact up.
        var options = client.Options;
        // Once the run is stopping, no new attempt starts: the row stays held, its create marked as possibly done. The
        // attempts repeated here may have acted, so none is reported refused.
        _retry = ServiceResilience.Retry<StepOutcome>(
            options.Retry with { ReportsRefusals = false },
            TimeProvider.System,
            outcome => outcome.Result is { Status: OutcomeStatus.Held, Cause: HelpCrunchException { MayHaveActed: true } });
    }

    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<HelpCrunchClient>();
        var fields = config.Mapping(FieldFields);
        if (fields is not null) MappingCheck.Run(config, FieldFields, fields);
        if (client is null || fields is null) return null;
        var updateExisting = config.Text(FieldOnDuplicateUserId) == "updateExisting";
        return new CreateContactStep(client, fields.Render) { UpdateExistingOnDuplicateUserId = updateExisting };
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            // A stop lets the item in flight finish; no further item is called.
            if (StepCall.Current.IsStopping)
            {
                outcomes.Add(StepCall.NotCalled());
                continue;
            }
            outcomes.Add(Render(item, out var fields) is { } failed ? failed : await CreateAsync(fields, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepPreview>>([.. items.Select(item => Render(item, out var fields) is { } failed ? new StepPreview([], failed) : Preview(fields))]);

    public async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome?>(items.Count);
        foreach (var item in items)
        {
            if (Render(item, out var fields) is not null || !ContactFieldMapping.TryBuild(fields, out var body, out _))
            {
                outcomes.Add(null); // the call will fail the same way, without sending anything
                continue;
            }
            outcomes.Add(await FindCreatedAsync(body, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    /// <summary>The whole step for one item, from the already-rendered mapping.</summary>
    public async Task<StepOutcome> CreateAsync(JToken fields, CancellationToken cancellationToken)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return StepOutcome.Failure(invalid);
        var uncertain = false;
        StepOutcome? last = null;
        var createRequests = 0;
        var stopping = StepCall.Current.Stopping;
        // The wait between tries ends on a stop too; the calls themselves only on the caller's token.
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        StepOutcome final;
        try
        {
            final = await _retry.ExecuteAsync(async _ =>
            {
                if (uncertain && await FindCreatedAsync(body, cancellationToken).ConfigureAwait(false) is { } found) return found;
                last = await CreateOnceAsync(body, cancellationToken).ConfigureAwait(false);
                createRequests += last.Cause is HelpCrunchException { Attempts: > 0 } counted ? counted.Attempts : 1;
                uncertain |= last.Cause is HelpCrunchException { MayHaveActed: true };
                return last;
            }, waits.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && stopping.IsCancellationRequested)
        {
            return last is null ? StepCall.NotCalled() : last with { Error = last.Error + StepCall.NotRetriedNote };
        }
        // The client counts the requests of one try; this step tried again itself, so the error counts them all.
        if (final is { Status: OutcomeStatus.Held, Cause: HelpCrunchException cause } && cause.Attempts > 0 && createRequests > cause.Attempts
            && final.Error == $"creating contact: {cause.Message}")
        {
            var all = cause.WithAttempts(createRequests);
            return final with { Error = $"creating contact: {all.Message}", Cause = all };
        }
        return final;
    }

    /// <summary>
    /// The contact an earlier create of <paramref name="body"/> made, as this step's success; null when there is
    /// none (or the mapping has no userId or email to look for), so creating is safe; Held when the search got no answer.
    /// </summary>
    private async Task<StepOutcome?> FindCreatedAsync(JObject body, CancellationToken cancellationToken)
    {
        var userId = Identity(body, "userId");
        var email = Identity(body, "email");
        var (field, value) = userId is not null ? ("userId", userId) : ("email", email);
        if (value is null) return null;
        try
        {
            var result = await _client.SearchAsync(field, value, 10, 0, cancellationToken).ConfigureAwait(false);
            // Only a contact that agrees on both identities is ours: a userId taken by someone else with another
            // email is the "already exists" failure the create will report, not an earlier create of this row.
            var ours = result.Contacts.FirstOrDefault(c =>
                (userId is null || string.Equals(c.UserId, userId, StringComparison.Ordinal))
                && (email is null || string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase)));
            if (ours is null) return null;
            return StepOutcome.Success(new Dictionary<string, string> { [OutputContactId] = ours.Id, [OutputFound] = "1" });
        }
        catch (HelpCrunchException e) when (e.IsTransient)
        {
            return StepOutcome.Held($"looking for a contact an interrupted create may have made ({field} {value}): {e.Message}", e);
        }
        catch (HelpCrunchException)
        {
            return null;
        }
    }

    private static string? Identity(JObject body, string field) =>
        body[field] is JValue { Type: JTokenType.String or JTokenType.Integer } value
        && value.ToString(System.Globalization.CultureInfo.InvariantCulture).Trim() is { Length: > 0 } text
            ? text
            : null;

    private async Task<StepOutcome> CreateOnceAsync(JObject body, CancellationToken cancellationToken)
    {
        try
        {
            var contact = await _client.CreateAsync(body, cancellationToken).ConfigureAwait(false);
            return StepOutcome.Success(new Dictionary<string, string> { [OutputContactId] = contact.Id });
        }
        catch (HelpCrunchException e) when (e.IsTransient)
        {
            return StepOutcome.Held($"creating contact: {e.Message}", e) with { NoEffect = !e.MayHaveActed };
        }
        catch (HelpCrunchException e) when (e.HasCode(DuplicateUserIdCode))
        {
            var userId = body["userId"]?.ToString();
            if (UpdateExistingOnDuplicateUserId && !string.IsNullOrWhiteSpace(userId))
                return await UpdateExistingAsync(body, userId, cancellationToken).ConfigureAwait(false);
            return StepOutcome.Failure($"creating contact: a HelpCrunch contact with userId '{userId}' already exists ({e.Message}); " +
                $"set \"{FieldOnDuplicateUserId}\": \"updateExisting\" to update that contact instead", e);
        }
        catch (HelpCrunchException e)
        {
            return StepOutcome.Failure($"creating contact: {e.Message}", e);
        }
    }

    /// <summary>The userId is taken: find its contact (<c>customers.userId =</c>) and PATCH the mapped fields onto it.</summary>
    private async Task<StepOutcome> UpdateExistingAsync(JObject body, string userId, CancellationToken cancellationToken)
    {
        string doing = $"creating contact: userId '{userId}' is taken; updating that contact instead";
        try
        {
            var found = await _client.SearchAsync("userId", userId, 2, 0, cancellationToken).ConfigureAwait(false);
            var existing = found.Contacts.FirstOrDefault(c => string.Equals(c.UserId, userId, StringComparison.Ordinal)) ?? found.Contacts.FirstOrDefault();
            if (existing is null)
                return StepOutcome.Failure($"{doing} failed: HelpCrunch said the userId exists, but a search by userId found no contact");
            var updated = await _client.UpdateAsync(existing.Id, body, cancellationToken).ConfigureAwait(false);
            return StepOutcome.Success(new Dictionary<string, string> { [OutputContactId] = updated.Id, [OutputUpdated] = "1" });
        }
        catch (HelpCrunchException e) when (e.IsTransient)
        {
            return StepOutcome.Held($"{doing}: {e.Message}", e);
        }
        catch (HelpCrunchException e)
        {
            return StepOutcome.Failure($"{doing}: {e.Message}", e);
        }
    }

    /// <summary>The request <see cref="CreateAsync"/> would send; nothing is called.</summary>
    public StepPreview Preview(JToken fields)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return new StepPreview([], StepOutcome.Failure(invalid));
        var predicted = StepOutcome.Success(new Dictionary<string, string> { ["prediction"] = "predicted: would create a contact (not checked against HelpCrunch)" });
        return new StepPreview([_client.PreviewCreate(body)], predicted);
    }

    private StepOutcome? Render(ItemScope item, out JToken fields)
    {
        try
        {
            fields = _fields(item);
            return null;
        }
        catch (ExpressionException e)
        {
            fields = JValue.CreateNull();
            return StepOutcome.Failure(e.Message, e);
        }
    }
}
