/// The program's version, printed by `convscope --version`.
let convscopeVersion = "0.1.0"
