using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>A flow file whose current text does not load, with its problems; the last good version of its flow, if
/// one loaded before, keeps running.</summary>
internal sealed record BrokenFlowFile(string File, IReadOnlyList<Diagnostic> Problems);
