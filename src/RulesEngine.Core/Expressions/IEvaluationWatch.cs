using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Told when an evaluation for one item starts and ends, so a process that dies inside it (the one thing no guard
/// can turn into an error: the kernel's OOM killer, a fault in the runtime) leaves a note of which row and which
/// expression it was. A run sets one on each item's scope (see <see cref="ItemScope.Watch"/>); without one an
/// evaluation pays a null check.
/// </summary>
internal interface IEvaluationWatch
{
    void Enter(ItemScope scope, SourceLocation location, string what);

    void Exit();
}
