import Foundation
import Verification
do {
    FileHandle.standardOutput.write(Data(try VerifyBench.run(arguments: Array(CommandLine.arguments.dropFirst())).utf8))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}
