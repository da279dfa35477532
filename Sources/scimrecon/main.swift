print("scimrecon")
