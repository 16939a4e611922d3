using Newtonsoft.Json.Linq;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// <c>helpCrunch.createContact</c>: <c>POST /customers</c> with the mapped fields. Output: <c>contactId</c>.
/// A userId that already exists is a failure that says so; no answer from HelpCrunch is
/// <see cref="OutcomeStatus.Held"/>. Mapping rules: <see cref="ContactFieldMapping"/>.
/// </summary>
public sealed class CreateContactStep : IReceiver
{
    public const string Type = "helpCrunch.createContact";
    public const string FieldFields = "fields";
    public const string OutputContactId = "contactId";

    /// <summary>HelpCrunch's code for a userId already taken by another contact.</summary>
    public const string DuplicateUserIdCode = "invalid_userId_value";

    public static StepSpec Spec { get; } = new(
        Type,
        "Create a HelpCrunch contact from mapped fields.",
        [
            new FieldSpec(FieldFields, FieldKind.Mapping,
                "contact fields to set: " + string.Join(", ", ContactFieldMapping.Known) + ". Empty values are left out.",
                Required: true, Example: "{\"name\": \"{Name}\", \"email\": \"{Email}\", \"userId\": \"{Id}\", \"locale\": \"en\"}"),
        ],
        HelpCrunchConnection.Type);

    private readonly HelpCrunchClient _client;
    private readonly Func<ItemScope, JToken> _fields;

    /// <param name="fields">Renders the field mapping for an item (a template map's Render).</param>
    public CreateContactStep(HelpCrunchClient client, Func<ItemScope, JToken> fields)
    {
        _client = client;
        _fields = fields;
    }

    public static IReceiver Create(StepConfig config)
    {
        var client = config.Connection<HelpCrunchClient>();
        var fields = config.Mapping(FieldFields);
        if (fields is not null) MappingCheck.Run(config, FieldFields, fields);
        if (client is null || fields is null) return new UnconfiguredReceiver(config.Id);
        return new CreateContactStep(client, fields.Render);
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
            outcomes.Add(Render(item, out var fields) is { } failed ? failed : await CreateAsync(fields, cancellationToken).ConfigureAwait(false));
        return outcomes;
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepPreview>>([.. items.Select(item => Render(item, out var fields) is { } failed ? new StepPreview([], failed) : Preview(fields))]);

    /// <summary>The whole step for one item, from the already-rendered mapping.</summary>
    public async Task<StepOutcome> CreateAsync(JToken fields, CancellationToken cancellationToken)
    {
        if (!ContactFieldMapping.TryBuild(fields, out var body, out var invalid)) return StepOutcome.Failure(invalid);
        try
        {
            var contact = await _client.CreateAsync(body, cancellationToken).ConfigureAwait(false);
            return StepOutcome.Success(new Dictionary<string, string> { [OutputContactId] = contact.Id });
        }
        catch (HelpCrunchException e) when (e.IsTransient)
        {
            return StepOutcome.Held($"creating contact: {e.Message}", e);
        }
        catch (HelpCrunchException e) when (e.HasCode(DuplicateUserIdCode))
        {
            var userId = body["userId"]?.ToString();
            return StepOutcome.Failure($"creating contact: a HelpCrunch contact with userId '{userId}' already exists ({e.Message})", e);
        }
        catch (HelpCrunchException e)
        {
            return StepOutcome.Failure($"creating contact: {e.Message}", e);
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
