package release.version_bump

valid if semver.is_valid(input.model.version)

violation contains "version is not semantic" if not valid

violation contains msg if {
	valid
	semver.is_valid(input.previous.version)
	semver.compare(input.model.version, input.previous.version) <= 0
	msg := sprintf("version %s does not increase over %s", [input.model.version, input.previous.version])
}

major_change if {
	valid
	to_number(split(input.model.version, ".")[0]) > to_number(split(input.previous.version, ".")[0])
}
