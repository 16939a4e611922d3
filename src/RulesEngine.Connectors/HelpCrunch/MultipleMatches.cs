namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>What <c>helpCrunch.updateContact</c> does when several contacts match (emails are not unique in HelpCrunch).</summary>
public enum MultipleMatches
{
    /// <summary>Update the first contact the search returns.</summary>
    First,
    /// <summary>Update every matching contact.</summary>
    All,
    /// <summary>Update none; the item fails, saying how many matched.</summary>
    Fail,
}
