; Inno Setup 6 script for the Myeloma Desk Windows installer.
;
; NOT BUILT OR TESTED: it was written on a Linux machine without Windows or Inno Setup. Read
; docs/installers.md ("Windows") before the first build, and test the result on a clean
; Windows 10/11 machine without network before giving it to anyone.
;
; Build (on Windows, from the repository root, after freezing with PyInstaller there):
;   py -3.11 -m venv packaging\build\venv
;   packaging\build\venv\Scripts\pip install .[packaging]
;   packaging\build\venv\Scripts\pyinstaller --noconfirm --distpath packaging\dist ^
;       --workpath packaging\build\pyinstaller packaging\myeloma-desk.spec
;   packaging\dist\myeloma-desk\myeloma-desk-cli.exe self-test
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\myeloma-desk.iss
; Output: packaging\dist\myeloma-desk-<version>-setup.exe

#define AppName "Myeloma Desk"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "myeloma-desk.exe"
#define CliExe "myeloma-desk-cli.exe"
#define SourceDir "..\dist\myeloma-desk"

[Setup]
; AppId identifies the product across versions: keep it forever, or upgrades install side by side.
AppId={{3B3A61E6-08EA-48A2-B246-CA7DA19DFDA8}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Myeloma Desk
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine by default (IT installs it once per workstation); a user without admin rights may
; choose a per-user install in the dialog.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=myeloma-desk-{#AppVersion}-setup
SetupIconFile=myeloma-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Upgrades: Inno Setup replaces the files in place; the app must not be running.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade removes the previous bundle first, so no stale DLL from an older Qt or Python is
; loaded next to the new ones. User data lives in %LOCALAPPDATA%\myeloma-desk, never here.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: dirifempty; Name: "{app}"

[Code]
{ After copying the files, run the installed self-test (hidden, offline by nature: it opens no
  connection) in a scratch data folder, and tell the user if it fails. }
procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
  Report: AnsiString;
  ReportFile: String;
begin
  if CurStep = ssPostInstall then
  begin
    ReportFile := ExpandConstant('{tmp}\self-test.txt');
    if Exec(ExpandConstant('{cmd}'),
            '/C ""' + ExpandConstant('{app}\{#CliExe}') + '" self-test --data-dir "' +
            ExpandConstant('{tmp}\self-test-data') + '" > "' + ReportFile + '" 2>&1"',
            '', SW_HIDE, ewWaitUntilTerminated, ResultCode) then
    begin
      if ResultCode <> 0 then
      begin
        LoadStringFromFile(ReportFile, Report);
        MsgBox('{#AppName} was installed, but its self-test failed:' + #13#10#13#10 +
               String(Report), mbError, MB_OK);
      end;
    end
    else
      MsgBox('{#AppName} was installed, but its self-test could not be started.',
             mbError, MB_OK);
  end;
end;
