import Testing
@testable import GitMirror
