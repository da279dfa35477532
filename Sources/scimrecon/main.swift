import Foundation

exit(runMain())
