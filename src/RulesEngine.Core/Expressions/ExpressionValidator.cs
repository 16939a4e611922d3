using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The allow-list an expression must pass before it is emitted (ported from the research probe, where 44 of 44
/// attack and feature cases behaved as intended). Two layers:
/// syntax (one expression: no statements, block lambdas, assignment, ++/--, pointers, typeof, directives, and no
/// names in forbidden namespaces) and semantics (every type and member reached through the operation tree,
/// implicit calls included, must be allowed).
/// An allow-list bounds what can be reached, not how long it runs: that is the time budget's job.
/// </summary>
internal static class ExpressionValidator
{
    // Types whose members may be used, by metadata name of the original definition.
    private static readonly HashSet<string> AllowedTypes = new(StringComparer.Ordinal)
    {
        "System.Object", "System.Boolean", "System.Char", "System.SByte", "System.Byte", "System.Int16", "System.UInt16",
        "System.Int32", "System.UInt32", "System.Int64", "System.UInt64", "System.Single", "System.Double", "System.Decimal",
        "System.String", "System.Math", "System.Convert", "System.DateTime", "System.DateTimeOffset", "System.TimeSpan",
        "System.DateOnly", "System.TimeOnly", "System.DateTimeKind", "System.DayOfWeek", "System.Guid", "System.Nullable`1",
        "System.StringComparison", "System.StringComparer", "System.StringSplitOptions", "System.MidpointRounding",
        "System.IFormatProvider", "System.IFormattable", "System.IComparable`1", "System.IEquatable`1",
        "System.Array", "System.Index", "System.Range", "System.ReadOnlySpan`1", "System.Span`1",
        "System.ValueTuple`2", "System.ValueTuple`3", "System.ValueTuple`4",
        "System.Func`1", "System.Func`2", "System.Func`3", "System.Func`4",
        "System.Linq.Enumerable", "System.Linq.IOrderedEnumerable`1", "System.Linq.IGrouping`2", "System.Linq.ILookup`2",
        "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.Dictionary`2+KeyCollection", "System.Collections.Generic.Dictionary`2+ValueCollection",
        "System.Collections.Generic.IReadOnlyDictionary`2", "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.KeyValuePair`2", "System.Collections.Generic.List`1", "System.Collections.Generic.IList`1",
        "System.Collections.Generic.IReadOnlyList`1", "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.ISet`1", "System.Collections.Generic.IReadOnlySet`1",
        "System.Collections.Generic.IEqualityComparer`1", "System.Collections.Generic.IComparer`1",
        "System.Collections.Generic.CollectionExtensions",
        // what C# 14 binds array.Contains(x) and friends to (first-class spans); its in-place writers are denied below
        "System.MemoryExtensions",
        "System.Text.RegularExpressions.Regex", "System.Text.RegularExpressions.Match",
        "System.Text.RegularExpressions.MatchCollection", "System.Text.RegularExpressions.Group",
        "System.Text.RegularExpressions.GroupCollection", "System.Text.RegularExpressions.Capture",
        "System.Text.RegularExpressions.RegexOptions",
        "System.Globalization.CultureInfo", "System.Globalization.NumberStyles", "System.Globalization.DateTimeStyles",
        "System.Globalization.CompareOptions",
        // the compiler's helper for $"..." (its namespace is not allowed as a whole)
        "System.Runtime.CompilerServices.DefaultInterpolatedStringHandler",
        // what expressions see of the host (ItemScope itself stays out: it can set step results)
        "RulesEngine.Sdk.SourceRow", "RulesEngine.Sdk.RunInfo", "RulesEngine.Sdk.StepResult",
        // the helpers every expression may call (Email.IsEmail(), Amount.AsNumber(), Plan.In("pro", "team"))
        "RulesEngine.Core.Expressions.ExpressionHelpers",
    };

    // Members denied although their type is allowed: reflection doors, memory bombs, process-wide state.
    private static readonly HashSet<string> DeniedMembers = new(StringComparer.Ordinal)
    {
        "System.Object.GetType", "System.Linq.Enumerable.Repeat", "System.String.PadLeft", "System.String.PadRight",
        "System.String..ctor", "System.String.Create",
        "System.Text.RegularExpressions.Regex..ctor", // only the statics, which honour the process-wide timeout
        "System.Text.RegularExpressions.Regex.InfiniteMatchTimeout",
        "System.Globalization.CultureInfo.CurrentCulture", "System.Globalization.CultureInfo.DefaultThreadCurrentCulture",
        "System.Globalization.CultureInfo.CurrentUICulture", "System.Globalization.CultureInfo.DefaultThreadCurrentUICulture",
        "System.Globalization.CultureInfo.ClearCachedData",
    };

    // Collection methods that change their target; denied on every collection type and System.Array, so a cast of
    // Row.Fields or a step's Output to a mutable type gains nothing.
    private static readonly HashSet<string> Mutators = new(StringComparer.Ordinal)
    {
        "Add", "AddRange", "TryAdd", "Clear", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Insert",
        "InsertRange", "Sort", "Reverse", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith",
        "EnsureCapacity", "TrimExcess", "CopyTo", "TryCopyTo", "ForEach", "set_Item", "set_Capacity",
        "Fill", "Resize", "Copy", "ConstrainedCopy", "SetValue", "Initialize",
    };

    private const int MaxArrayLength = 10_000;

    private static readonly string[] DeniedNamespaces =
    [
        "System.IO", "System.Net", "System.Reflection", "System.Diagnostics", "System.Threading", "System.Security",
        "System.Runtime.InteropServices", "System.Runtime.Loader", "Microsoft.Win32",
    ];

    /// <summary>Checks one expression. <paramref name="sites"/> receives every call to Enumerable.Range and every
    /// sequence passed into a LINQ method, which the budget rewriter replaces with guarded ones.</summary>
    public static List<(TextSpan Span, string Message)> Validate(
        SemanticModel model, ExpressionSyntax expression, BudgetSites sites)
    {
        var errors = new List<(TextSpan, string)>();
        // one error per offending construct: nothing inside a rejected node is reported again
        var rejected = new List<SyntaxNode>();
        foreach (var node in expression.DescendantNodesAndSelf(descendIntoChildren: n => !rejected.Contains(n)))
        {
            var bad = node switch
            {
                StatementSyntax => "statements are not allowed",
                AnonymousMethodExpressionSyntax => "anonymous methods are not allowed",
                LambdaExpressionSyntax { Block: not null } => "block-bodied lambdas are not allowed (use an expression lambda)",
                AssignmentExpressionSyntax => "assignment is not allowed in an expression",
                PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax when IsIncrement(node) => "++ and -- are not allowed",
                PrefixUnaryExpressionSyntax when node.IsKind(SyntaxKind.AddressOfExpression) || node.IsKind(SyntaxKind.PointerIndirectionExpression) => "pointers are not allowed",
                StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax => "stackalloc is not allowed",
                PointerTypeSyntax or FunctionPointerTypeSyntax => "pointers are not allowed",
                MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax => "__makeref, __reftype and __refvalue are not allowed",
                TypeOfExpressionSyntax => "typeof is not allowed",
                SizeOfExpressionSyntax => "sizeof is not allowed",
                AwaitExpressionSyntax => "await is not allowed",
                RefExpressionSyntax => "ref is not allowed",
                _ when node.IsKind(SyntaxKind.ArgListExpression) => "__arglist is not allowed",
                IdentifierNameSyntax { Identifier.ValueText: ['_', '_', ..] } => "names starting with __ are reserved for the engine",
                NameSyntax or MemberAccessExpressionSyntax => ForbiddenNamespace(model, node),
                _ => null,
            };
            if (bad is null) continue;
            errors.Add((node.Span, bad));
            rejected.Add(node);
        }
        foreach (var trivia in expression.DescendantTrivia())
        {
            if (trivia.IsDirective || trivia.IsKind(SyntaxKind.DisabledTextTrivia) || trivia.IsKind(SyntaxKind.PreprocessingMessageTrivia))
                errors.Add((trivia.Span, "preprocessor directives are not allowed"));
        }
        if (errors.Count > 0) return errors;

        // Parentheses, checked(...) and unchecked(...) are not operations in C#'s operation tree: analyse what they
        // enclose (a placeholder {checked(a + b)} is exactly such an expression).
        var inner = expression;
        while (true)
        {
            if (inner is ParenthesizedExpressionSyntax parenthesized) inner = parenthesized.Expression;
            else if (inner is CheckedExpressionSyntax @checked) inner = @checked.Expression;
            else break;
        }
        var operation = model.GetOperation(inner);
        if (operation is null)
        {
            errors.Add((expression.Span, "the expression could not be analysed"));
            return errors;
        }
        new Walker(errors, sites).Visit(operation);
        return errors;
    }

    private static bool IsIncrement(SyntaxNode node) =>
        node.IsKind(SyntaxKind.PreIncrementExpression) || node.IsKind(SyntaxKind.PreDecrementExpression)
        || node.IsKind(SyntaxKind.PostIncrementExpression) || node.IsKind(SyntaxKind.PostDecrementExpression);

    /// <summary>A dotted name such as <c>global::System.IO.File</c> that starts in a forbidden namespace. Checked on
    /// the text so that namespaces whose assemblies are not even referenced get the same clear message.</summary>
    private static string? ForbiddenNamespace(SemanticModel model, SyntaxNode node)
    {
        if (node.Parent is QualifiedNameSyntax or AliasQualifiedNameSyntax or MemberAccessExpressionSyntax)
            return null; // only the outermost name of a chain
        var leftmost = node;
        while (true)
        {
            var next = leftmost switch
            {
                QualifiedNameSyntax q => q.Left,
                AliasQualifiedNameSyntax a => a.Name,
                MemberAccessExpressionSyntax ma => ma.Expression,
                _ => null,
            };
            if (next is null) break;
            leftmost = next;
        }
        if (leftmost is not IdentifierNameSyntax first) return null;
        var symbol = model.GetSymbolInfo(first).Symbol;
        if (symbol is not (null or INamespaceSymbol)) return null; // a local such as a field named "System"
        var dotted = string.Concat(node.ToString().Where(c => !char.IsWhiteSpace(c)));
        if (dotted.StartsWith("global::", StringComparison.Ordinal)) dotted = dotted["global::".Length..];
        foreach (var ns in DeniedNamespaces)
        {
            if (dotted == ns || dotted.StartsWith(ns + ".", StringComparison.Ordinal))
                return $"'{TrimCall(dotted)}' is in the forbidden namespace {ns}";
        }
        return null;
    }

    private static string TrimCall(string dotted)
    {
        var paren = dotted.IndexOfAny(['(', '<', '[']);
        return paren < 0 ? dotted : dotted[..paren];
    }

    private sealed class Walker(List<(TextSpan, string)> errors, BudgetSites sites) : OperationWalker
    {
        private void Fail(IOperation operation, string message) => errors.Add((operation.Syntax.Span, message));

        public override void Visit(IOperation? operation)
        {
            if (operation is null) return;
            if (operation.Type is { } type && !TypeAllowed(type, out var why))
            {
                Fail(operation, why);
                return;
            }
            switch (operation)
            {
                case INameOfOperation:
                    return; // a constant string; its argument is never evaluated
                case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                    Fail(operation, "dynamic is not allowed");
                    return;
                case ITypeOfOperation:
                    Fail(operation, "typeof is not allowed");
                    return;
                case ISizeOfOperation:
                    Fail(operation, "sizeof is not allowed");
                    return;
                case IAddressOfOperation:
                    Fail(operation, "pointers are not allowed");
                    return;
                case IEventReferenceOperation:
                    Fail(operation, "events are not allowed");
                    return;
                case IIncrementOrDecrementOperation:
                    Fail(operation, "++ and -- are not allowed");
                    return;
                // initializers build a new object (also the anonymous types that queries create for 'let' and 'from')
                case IAssignmentOperation a when a.Parent is not (IObjectOrCollectionInitializerOperation or IAnonymousObjectCreationOperation):
                    Fail(operation, "assignment is not allowed in an expression");
                    return;
                case IInvalidOperation when MutatorCalled(operation.Syntax) is { } mutator:
                    // Row.Fields.Remove("Email") binds to no method (the row is read-only) and the compiler would
                    // explain an overload (CS7036 about an 'out' argument); what the author needs to know is this:
                    Fail(operation, $"'{mutator}' is not allowed: the row and the results of earlier steps cannot be changed (expressions cannot change collections)");
                    return;
                case IInvalidOperation:
                    return; // the compiler reports it
                case IInvocationOperation invocation:
                    if (invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke)
                    {
                        Fail(operation, "invoking a delegate is not allowed");
                        return;
                    }
                    Check(operation, invocation.TargetMethod);
                    if (IsEnumerableRange(invocation.TargetMethod) && operation.Syntax is InvocationExpressionSyntax call)
                        sites.Ranges.Add(call);
                    if (SizedReplacement(invocation) is { } sized && operation.Syntax is InvocationExpressionSyntax growing)
                        sites.Sized[growing] = sized;
                    // a query's own calls are implicit: the rewriter guards the sources of its from and join clauses instead
                    if (IsEnumerable(invocation.TargetMethod) && !invocation.IsImplicit && !GuardSequences(invocation)) return;
                    break;
                case IObjectCreationOperation { Constructor: { } constructor }:
                    Check(operation, constructor);
                    if (constructor.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic"
                        && constructor.Parameters.Any(p => p.Type.SpecialType == SpecialType.System_Int32))
                    {
                        Fail(operation, $"'{Display(constructor)}' is not allowed: a collection's capacity could exhaust memory");
                        return;
                    }
                    break;
                case IArrayCreationOperation array when array.DimensionSizes.Any(d => d.ConstantValue is not { HasValue: true, Value: int size } || size > MaxArrayLength):
                    Fail(operation, $"an array size must be a constant of at most {MaxArrayLength} (use a collection expression or LINQ instead)");
                    return;
                case IPropertyReferenceOperation property:
                    Check(operation, property.Property);
                    break;
                case IFieldReferenceOperation field:
                    Check(operation, field.Field);
                    break;
                case IMethodReferenceOperation method:
                    Check(operation, method.Method);
                    break;
                case IBinaryOperation { OperatorMethod: { } binary }:
                    Check(operation, binary);
                    break;
                case IUnaryOperation { OperatorMethod: { } unary }:
                    Check(operation, unary);
                    break;
                case IConversionOperation { OperatorMethod: { } conversion }:
                    Check(operation, conversion);
                    break;
                case IConversionOperation { Operand.Type: { } from, Type: { } to } when Erases(from, to):
                    Fail(operation, $"a tuple, anonymous object or key/value pair cannot be used as '{Display(to)}': nested inside itself, printing or comparing it would recurse without bound (keep its own type)");
                    return;
                case IDelegateCreationOperation creation when creation.Target is not IAnonymousFunctionOperation:
                    Fail(operation, "method groups as delegates are not allowed");
                    return;
                case IDelegateCreationOperation lambda when lambda.Parent is not IArgumentOperation:
                    Fail(operation, "lambdas are only allowed as arguments (e.g. to LINQ methods)");
                    return;
                case IRecursivePatternOperation { DeconstructSymbol: { } deconstruct }:
                    Check(operation, deconstruct);
                    break;
                case IPropertySubpatternOperation { Member: IMemberReferenceOperation member }:
                    Check(operation, member.Member);
                    break;
                case IWithOperation { CloneMethod: { } clone }:
                    Check(operation, clone);
                    break;
            }
            base.Visit(operation);
        }

        private void Check(IOperation operation, ISymbol symbol)
        {
            if (!SymbolAllowed(symbol, out var why)) Fail(operation, why);
        }

        /// <summary>Marks every lazy sequence this LINQ call takes for a guard (see <see cref="GuardedSequence{T}"/>);
        /// false (with an error) when one cannot be wrapped.</summary>
        private bool GuardSequences(IInvocationOperation invocation)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type is not INamedTypeSymbol parameter || !IsSequenceInterface(parameter)) continue;
                if (!CouldBeLazy(argument.Value)) continue;
                var syntax = argument.Value.Syntax;
                if (syntax is ArgumentSyntax wrapper) syntax = wrapper.Expression;
                if (syntax is not ExpressionSyntax expression || StartsWithBinding(expression))
                {
                    Fail(argument.Value, "a LINQ call on a member reached with ?. cannot be given a budget; put the ?. access in parentheses: (a?.b).Where(...)");
                    return false;
                }
                sites.Guards.Add(expression);
            }
            return true;
        }
    }

    /// <summary>The name of the collection-changing method a call names (<c>x.Remove(...)</c>, <c>x.Add(...)</c>), or null.</summary>
    private static string? MutatorCalled(SyntaxNode syntax) =>
        syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } } && Mutators.Contains(name)
            ? name
            : null;

    /// <summary>The <see cref="SizedStrings"/> method that replaces this call, when its result can be many times its
    /// inputs: <c>s.Replace(string, string, ...)</c>, <c>Regex.Replace(input, pattern, replacement[, options])</c>,
    /// <c>string.Join(string, values)</c> with the values as one argument.</summary>
    private static string? SizedReplacement(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.ContainingType is not { } type) return null;
        var owner = MetadataName(type);
        var parameters = method.Parameters;
        if (owner == "System.String" && method.Name == "Replace" && !method.IsStatic && parameters is [{ Type.SpecialType: SpecialType.System_String }, ..]
            && invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax })
            return "Replace";
        if (owner == "System.Text.RegularExpressions.Regex" && method.Name == "Replace" && method.IsStatic && parameters.Length is 3 or 4
            && parameters[2].Type.SpecialType == SpecialType.System_String && (parameters.Length == 3 || parameters[3].Type.Name == "RegexOptions"))
            return "RegexReplace";
        if (owner == "System.String" && method.Name == "Join" && parameters.Length == 2 && parameters[0].Type.SpecialType == SpecialType.System_String
            && invocation.Arguments.All(a => a.ArgumentKind == ArgumentKind.Explicit)
            && parameters[1].Type is IArrayTypeSymbol or INamedTypeSymbol { Name: "IEnumerable" })
            return "Join";
        return null;
    }

    private static bool IsEnumerable(IMethodSymbol method) =>
        method.ContainingType is { } type && MetadataName(type) == "System.Linq.Enumerable";

    private static bool IsSequenceInterface(INamedTypeSymbol type) =>
        MetadataName(type) is "System.Collections.Generic.IEnumerable`1" or "System.Linq.IOrderedEnumerable`1";

    private static readonly HashSet<string> HostTypes = new(StringComparer.Ordinal)
    {
        "RulesEngine.Sdk.SourceRow", "RulesEngine.Sdk.RunInfo", "RulesEngine.Sdk.StepResult",
    };

    /// <summary>Whether a value passed as a sequence may be a lazy LINQ iterator: anything typed as an interface,
    /// except the host's own data (<c>Row.Fields</c>, <c>Row.Fields.Values</c>, <c>update.Output</c>), which is
    /// materialised. A value of a concrete type (array, list, string, dictionary) never is.</summary>
    private static bool CouldBeLazy(IOperation value)
    {
        while (value is IConversionOperation { IsImplicit: true } conversion) value = conversion.Operand;
        if (value.Type is not { TypeKind: TypeKind.Interface }) return false;
        var root = value;
        while (root is IPropertyReferenceOperation { Instance: { } instance }) root = instance;
        return !(root != value && root.Type is INamedTypeSymbol host && HostTypes.Contains(MetadataName(host)));
    }

    /// <summary>True for the member part of a ?. chain (<c>.b.c</c> in <c>a?.b.c</c>), which cannot be wrapped alone.</summary>
    private static bool StartsWithBinding(ExpressionSyntax expression)
    {
        var node = expression;
        while (true)
        {
            switch (node)
            {
                case MemberBindingExpressionSyntax or ElementBindingExpressionSyntax:
                    return true;
                case MemberAccessExpressionSyntax access:
                    node = access.Expression;
                    break;
                case InvocationExpressionSyntax call:
                    node = call.Expression;
                    break;
                case ElementAccessExpressionSyntax element:
                    node = element.Expression;
                    break;
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } bang:
                    node = bang.Operand;
                    break;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Whether converting <paramref name="from"/> to <paramref name="to"/> hides a tuple, anonymous type or
    /// KeyValuePair behind object, ValueType or an interface (also as an element or type argument: an array of
    /// anonymous objects as <c>IEnumerable&lt;object&gt;</c>). Only then can such a value hold another of its kind, and
    /// an <c>Aggregate</c> nest them 100,000 deep; their ToString, Equals and GetHashCode recurse into their parts
    /// without any check and would overflow the stack.
    /// </summary>
    private static bool Erases(ITypeSymbol from, ITypeSymbol to)
    {
        if (SymbolEqualityComparer.Default.Equals(from, to)) return false;
        if (IsStructural(from))
            return to.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType || to.TypeKind is TypeKind.Interface or TypeKind.Dynamic;
        if (from is IArrayTypeSymbol fromArray)
        {
            if (to is IArrayTypeSymbol toArray) return Erases(fromArray.ElementType, toArray.ElementType);
            if (to is INamedTypeSymbol { TypeArguments: [var element] } && to.TypeKind == TypeKind.Interface) return Erases(fromArray.ElementType, element);
            return false;
        }
        if (from is INamedTypeSymbol fromNamed && to is INamedTypeSymbol toNamed && toNamed.IsGenericType)
        {
            var match = SymbolEqualityComparer.Default.Equals(fromNamed.OriginalDefinition, toNamed.OriginalDefinition)
                ? fromNamed
                : fromNamed.AllInterfaces.FirstOrDefault(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, toNamed.OriginalDefinition));
            if (match is null) return false;
            for (var i = 0; i < match.TypeArguments.Length; i++)
                if (Erases(match.TypeArguments[i], toNamed.TypeArguments[i])) return true;
        }
        return false;
    }

    private static bool IsStructural(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: [var inner] }) type = inner;
        return type.IsTupleType || type.IsAnonymousType
            || type is INamedTypeSymbol named && MetadataName(named) is "System.Collections.Generic.KeyValuePair`2" or "System.ValueTuple`2" or "System.ValueTuple`3" or "System.ValueTuple`4";
    }

    private static bool IsEnumerableRange(IMethodSymbol method) =>
        method.Name == "Range" && method.ContainingType is { } type && MetadataName(type) == "System.Linq.Enumerable";

    private static string Display(ISymbol symbol) => symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

    private static string MetadataName(INamedTypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        var name = definition.MetadataName;
        for (var outer = definition.ContainingType; outer is not null; outer = outer.ContainingType)
            name = outer.MetadataName + "+" + name;
        var ns = definition.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }

    private static bool TypeAllowed(ITypeSymbol type, out string why)
    {
        why = "";
        switch (type)
        {
            case IDynamicTypeSymbol:
                why = "dynamic is not allowed";
                return false;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                why = "pointers are not allowed";
                return false;
            case IArrayTypeSymbol array:
                return TypeAllowed(array.ElementType, out why);
            case ITypeParameterSymbol or IErrorTypeSymbol:
                return true; // an error type is reported by the compiler
            case INamedTypeSymbol named:
                if (named.IsAnonymousType)
                {
                    foreach (var property in named.GetMembers().OfType<IPropertySymbol>())
                        if (!TypeAllowed(property.Type, out why)) return false;
                    return true;
                }
                var name = MetadataName(named);
                foreach (var ns in DeniedNamespaces)
                {
                    if (name.StartsWith(ns + ".", StringComparison.Ordinal))
                    {
                        why = $"'{Display(named)}' is in the forbidden namespace {ns}";
                        return false;
                    }
                }
                if (!AllowedTypes.Contains(name))
                {
                    why = $"'{Display(named)}' is not available in expressions";
                    return false;
                }
                foreach (var argument in named.TypeArguments)
                    if (!TypeAllowed(argument, out why)) return false;
                return true;
            default:
                why = $"'{Display(type)}' is not available in expressions";
                return false;
        }
    }

    private static bool SymbolAllowed(ISymbol symbol, out string why)
    {
        why = "";
        switch (symbol)
        {
            case IMethodSymbol method:
                method = method.ReducedFrom ?? method; // an extension method called as an instance method
                if (method.MethodKind is MethodKind.AnonymousFunction or MethodKind.LambdaMethod) return true;
                if (method.MethodKind is MethodKind.LocalFunction or MethodKind.DelegateInvoke)
                {
                    why = $"'{Display(method)}' is not allowed";
                    return false;
                }
                if (method.ContainingType is { } owner && !TypeAllowed(owner, out why)) return false;
                if (IsDenied(method, out why)) return false;
                if (method.ContainingType is { } regex && MetadataName(regex) == "System.Text.RegularExpressions.Regex"
                    && method.Parameters.Any(p => p.Type.ToDisplayString() == "System.TimeSpan"))
                {
                    why = $"'{Display(method)}' is not allowed: Regex overloads with a timeout would override the host's";
                    return false;
                }
                if (method.MethodKind != MethodKind.Constructor && !TypeAllowed(method.ReturnType, out why)) return false;
                foreach (var argument in method.TypeArguments)
                    if (!TypeAllowed(argument, out why)) return false;
                foreach (var parameter in method.Parameters)
                    if (!TypeAllowed(parameter.Type, out why)) return false;
                return true;
            case IPropertySymbol property:
                if (!TypeAllowed(property.ContainingType, out why) || IsDenied(property, out why)) return false;
                return TypeAllowed(property.Type, out why);
            case IFieldSymbol field:
                if (!TypeAllowed(field.ContainingType, out why) || IsDenied(field, out why)) return false;
                return TypeAllowed(field.Type, out why);
            case IEventSymbol:
                why = "events are not allowed";
                return false;
            default:
                return true;
        }
    }

    private static bool IsDenied(ISymbol member, out string why)
    {
        why = "";
        var owner = MetadataName(member.ContainingType);
        var name = member.OriginalDefinition.MetadataName;
        if (DeniedMembers.Contains(owner + "." + name))
        {
            why = $"'{Display(member)}' is not allowed";
            return true;
        }
        if (member is IMethodSymbol && (Mutators.Contains(name) || owner == "System.MemoryExtensions" && name == "Replace")
            && (owner is "System.Array" or "System.MemoryExtensions" or "System.Span`1" or "System.ReadOnlySpan`1"
                || owner.StartsWith("System.Collections.Generic.", StringComparison.Ordinal)))
        {
            why = $"'{Display(member)}' is not allowed: expressions cannot change collections";
            return true;
        }
        return false;
    }
}
