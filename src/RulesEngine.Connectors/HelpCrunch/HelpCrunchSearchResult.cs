namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>One page of <c>POST /customers/search</c>: the contacts on it and how many match in all.</summary>
public sealed record HelpCrunchSearchResult(IReadOnlyList<HelpCrunchContact> Contacts, int Total);
