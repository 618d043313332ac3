// Compiled into every project that imports MLNetInternals.targets.
// CoreCLR looks this attribute up by full name on the *calling* assembly and then skips visibility checks
// (type, method, field access and overriding) against the named assemblies. It is not part of the public BCL
// surface, so each assembly defines its own copy; keep it internal so copies in several assemblies never clash.
namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
